"""Knowledge hub pages: search and topic pages, the article page (sanitized body, numbered
references, authors with their disclosures, reviewer, dates, corrections, related CME), the
revision list and diff, authoring for approved experts, the editors' review queue and
decisions, expert approval, a clinician's disclosures and the reading list.

Every page works without JavaScript; htmx only swaps the search results (``render_page``
picks the partial). Each view asks the policies first: an article the user may not see
answers 404, one they see but may not act on 403; a refused service call re-renders the
page with its message and the error's status (never a 500).

Modules, by concern: ``reading`` (search, topics, reading list), ``articles`` (the article
page, revisions, diff), ``authoring`` (write, create, edit, submit, correct), ``editorial``
(review queue, comment, request changes, approve, publish, retract, experts) and
``disclosures``; what they share is in ``_common``. ``urls.py`` takes each view from its
module; nothing is re-exported here (``disclosures`` and ``articles`` would hide a module
behind a function or shadow ``hub.disclosures``).
"""
