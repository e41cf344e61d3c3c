"""Careers pages: vacancy search, the vacancy page (JobPosting JSON-LD, fit, apply, report),
"jobs for you", applications on both sides, saved searches and their unsubscribe link,
employer pages, the employer's area (vacancy forms, lifecycle, applicants) and moderation.

Every page works without JavaScript; htmx only swaps the search results (``render_page``
picks the partial). Each view asks the policies first: a row the user may not see answers
404, a row they see but may not act on 403; a refused service call re-renders the form with
its message and the error's status, or (small button posts) redirects with the message.

Modules, by concern: ``search`` (search, jobs for you), ``vacancies`` (the vacancy page,
apply, report; the employer's vacancy forms, lifecycle and applicants), ``applications``,
``saved`` (saved searches, unsubscribe), ``employers`` (employer pages, the employer's home)
and ``moderation``; what they share is in ``_common``. ``urls.py`` takes each view from its
module; nothing is re-exported here, because four views share their module's name
(``search``, ``applications``, ``saved``, ``moderation``) and a re-export would hide the
module behind the function.
"""
