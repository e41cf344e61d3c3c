"""Pages for QI projects: list, project report, uploads with a polled status, PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import DomainError, NotFoundError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.services import audit_record
from cmepath.core.uploads import declared_length, upload_message, upload_precheck

from . import policies, selectors, services
from .forms import (
    DuaForm,
    FinishForm,
    InterventionForm,
    MemberForm,
    ProjectForm,
    StageForm,
    UploadForm,
)


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.project_create(
            actor=request.user,
            title=data["title"],
            practice_gap=data["practice_gap"],
            unit_of_analysis=data["unit_of_analysis"],
            measure_ids=data["measure_ids"],
            activity_ids=data["activity_ids"],
            intervention_date=data["intervention_date"],
        ),
        success="Project created.",
    )
    if done.ok and done.result is not None:
        return redirect("outcomes:project_detail", pk=done.result.pk)
    return render_page(
        request,
        "outcomes/project_list.html",
        {
            "projects": selectors.projects_for(actor=request.user),
            "invitations": services.invitations_open_for(actor=request.user),
            "form": form,
            "picked": [
                {"id": i, "title": t}
                for i, t in _linked_titles(request.user, form.picked_ids()).items()
            ],
        },
        status=done.status,
    )


def _linked_titles(actor: Any, ids: list[int]) -> dict[int, str]:
    """Titles of linked catalog activities the actor may see (a link shows its title)."""
    from cmepath.catalog import policies as catalog_policies

    if not ids:
        return {}
    rows = catalog_policies.activities.visible(actor, "view").filter(pk__in=ids)
    return dict(rows.values_list("pk", "title"))


#: The project page's steps, in order: (key, title). One step's form shows at a time.
STEPS = (
    ("dua", "Data use agreement"),
    ("intervention", "Intervention date"),
    ("data", "Upload data"),
    ("stages", "Complete the stages"),
    ("finish", "Document the outcome"),
)


def project_steps(
    project: Any, *, stages: list[Any], has_data: bool, wanted: str | None
) -> list[dict[str, Any]]:
    """The steps with their state (done / current / next). The current step is the one
    asked for (``?step=``), else the first not done. The agreement is optional: it counts
    as done once data was uploaded without one (kept series only)."""
    finished = project.status == "finished"
    done = {
        "dua": bool(project.has_dua) or has_data or finished,
        "intervention": bool(project.intervention_date) or finished,
        "data": has_data or finished,
        "stages": bool(stages) and all(s.completed_on for s in stages),
        "finish": finished,
    }
    keys = [k for k, _ in STEPS]
    current = wanted if wanted in keys else next((k for k in keys if not done[k]), None)
    return [
        {
            "key": key,
            "number": i,
            "title": title,
            "done": done[key],
            "current": key == current,
            "optional": key == "dua",
        }
        for i, (key, title) in enumerate(STEPS, start=1)
    ]


def _detail_context(request: HttpRequest, project: Any) -> dict[str, Any]:
    reports = selectors.project_reports(project=project)
    charts = []
    for rep in reports:
        for name in ("spc", "its", "forest"):
            if name in rep.figures:
                charts.append({"id": f"chart-{rep.measure_id}-{name}", "figure": rep.figures[name]})
    stages = list(project.stages.all())
    datasets = list(project.datasets.all()[:10])
    links = list(project.activities.all())
    titles = _linked_titles(request.user, [a.activity_id for a in links])
    steps = project_steps(
        project, stages=stages, has_data=bool(datasets), wanted=request.GET.get("step")
    )
    open_stages = [s.stage for s in stages if not s.completed_on]
    return {
        "project": project,
        "reports": reports,
        "charts": charts,
        "charts_data": {c["id"]: c["figure"] for c in charts},
        "members": project.members.select_related("user"),
        "stages": stages,
        "datasets": [{"row": d, **dataset_view(d)} for d in datasets],
        "activities": [{"id": a.activity_id, "title": titles.get(a.activity_id)} for a in links],
        "steps": steps,
        "step": next((st["key"] for st in steps if st["current"]), None),
        "interprofessional": selectors.project_is_interprofessional(project),
        "can_change": policies.projects.allows(request.user, "change", project),
        "can_manage": policies.projects.allows(request.user, "manage", project),
        "can_rows": policies.projects.allows(request.user, "rows", project),
        "invitations": project.invitations.filter(
            accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        if policies.projects.allows(request.user, "manage", project)
        else [],
        "member_form": MemberForm(),
        "stage_form": StageForm(open_stages=open_stages),
        "finish_form": FinishForm(),
        "dua_form": DuaForm(),
        "intervention_form": InterventionForm(
            initial={"intervention_date": project.intervention_date}
        ),
        "outcome": getattr(project, "outcome", None) if hasattr(project, "outcome") else None,
    }


# plotly.js (the copy the ``plotly`` package ships) injects two fixed <style> blocks for its
# mode bar; allow exactly those by hash on the page that draws charts. Scripts stay 'self'.
PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",
]


@login_required
@require_GET
@csp_update({"style-src": PLOTLY_STYLE_HASHES})  # type: ignore[arg-type]  # django-csp types views without URL kwargs
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(actor=request.user, pk=pk)
    audit_record(actor=request.user, action="outcomes.project_view", target=project)
    return render_page(request, "outcomes/project_detail.html", _detail_context(request, project))


def _post_action(
    request: HttpRequest, pk: int, action: str, form_class: Any, call: Any, ok: str
) -> HttpResponse:
    project = selectors.project_get(actor=request.user, pk=pk)
    policies.projects.require(request.user, action, project)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(project, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, ok)
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("outcomes:project_detail", pk=project.pk)


def invitation_sent_message(email: str) -> str:
    """The one answer to an invitation, whether or not the address has an account."""
    return f"Invitation sent to {email} (if it belongs to a clinician account, they will see it)."


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite someone to the team by email; they join only by accepting (``invitation``)."""
    project = selectors.project_get(actor=request.user, pk=pk)
    policies.projects.require(request.user, "manage", project)
    form = MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("outcomes:project_detail", pk=project.pk)
    email = form.cleaned_data["email"].strip().lower()
    try:
        services.project_invite(
            actor=request.user,
            project=project,
            email=email,
            role=form.cleaned_data["role"],
            profession=form.cleaned_data["profession"],
            base_url=request.build_absolute_uri("/"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, invitation_sent_message(email))
    return redirect("outcomes:project_detail", pk=project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: see the invitation, accept it. 404 to anyone but the clinician
    signed in with the invited email."""
    found = services.invitation_get(actor=request.user, token=token)
    if request.method == "POST":
        services.project_invitation_accept(actor=request.user, invitation=found)
        messages.success(request, f"You joined “{found.project.title}”.")
        return redirect("outcomes:project_detail", pk=found.project_id)
    return render_page(request, "outcomes/invitation.html", {"invitation": found})


@login_required
@require_GET
def activity_search(request: HttpRequest) -> HttpResponse:
    """The linked-CME search box of a new project: ``?q=`` answers catalog results by title
    (each with an "Add" button), ``?pick=<id>`` answers the picked row (a hidden value the
    form posts). Both are htmx partials; without JavaScript the page takes typed numbers."""
    from cmepath.catalog import policies as catalog_policies
    from cmepath.catalog import selectors as catalog_selectors

    pick = request.GET.get("pick", "")
    if pick:
        activity = (
            catalog_policies.activities.visible(request.user, "view")
            .filter(pk=int(pick) if pick.isdigit() and len(pick) < 10 else 0)
            .select_related("provider")
            .first()
        )
        if activity is None:
            raise NotFoundError("No activity with that number in the catalog.")
        return render_page(
            request,
            "outcomes/partials/activity_picked.html",
            {"activity": activity},
            partial="outcomes/partials/activity_picked.html",
        )
    q = " ".join(request.GET.get("q", "").split())[:200]
    activities: list[Any] = []
    if len(q) >= 2:
        query = catalog_selectors.activity_query({"q": q}, page_size=8)
        found = catalog_selectors.activity_search(actor=request.user, query=query.query)
        activities = found.activities
    return render_page(
        request,
        "outcomes/partials/activity_results.html",
        {"activities": activities, "q": q},
        partial="outcomes/partials/activity_results.html",
    )


@login_required
@require_POST
def stage_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "stage",
        StageForm,
        lambda p, d: services.project_stage_complete(
            actor=request.user, project=p, stage=d["stage"], note=d["note"]
        ),
        "Stage completed.",
    )


@login_required
@require_POST
def project_finish(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "finish",
        FinishForm,
        lambda p, d: services.project_finish(
            actor=request.user, project=p, moore_level=d["moore_level"]
        ),
        "Project finished: outcome documented.",
    )


@login_required
@require_POST
def dua_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "manage",
        DuaForm,
        lambda p, d: services.project_dua_record(
            actor=request.user, project=p, reference=d["reference"]
        ),
        "Data use agreement recorded.",
    )


@login_required
@require_POST
def intervention_set(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "change",
        InterventionForm,
        lambda p, d: services.project_update(
            actor=request.user, project=p, data={"intervention_date": d["intervention_date"]}
        ),
        "Intervention date saved.",
    )


def _precheck_upload(request: HttpRequest, view_kwargs: dict[str, Any]) -> HttpResponse | None:
    """Refuse an extract over the size limit or the user's quota from its Content-Length,
    before anything (CSRF included) reads the body. Who may upload is the view's question."""
    if not request.user.is_authenticated:
        return None
    try:
        project = selectors.project_get(actor=request.user, pk=view_kwargs["pk"], action="upload")
    except DomainError:
        return None  # the view refuses it the usual way (404)
    try:
        services.dataset_upload_precheck(
            actor=request.user, project=project, declared_bytes=declared_length(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return render_page(
            request,
            "outcomes/upload.html",
            _upload_context(project, UploadForm(), None),
            status=exc.status,
        )
    return None


@upload_precheck(_precheck_upload)
@login_required
@require_http_methods(["GET", "POST"])
def dataset_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(actor=request.user, pk=pk, action="upload")
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    dataset = None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                dataset = services.dataset_upload(
                    actor=request.user,
                    project=project,
                    chunks=upload.chunks(),
                    filename=upload.name,
                    fmt=form.cleaned_data["format"],
                )
            except DomainError as exc:
                cols = exc.errors.get("columns") if exc.errors else None
                text = (
                    exc.message
                    if not cols
                    else f"{exc.message} Offending columns: {', '.join(cols)}."
                )
                # about the person's file by its name, never a path on our disk
                form.add_error("file", upload_message(text, user_name=upload.name))
                status = exc.status
            else:
                return redirect(
                    "outcomes:dataset_upload_status", pk=project.pk, dataset_id=dataset.pk
                )
        else:
            status = 422
    return render_page(
        request, "outcomes/upload.html", _upload_context(project, form, dataset), status=status
    )


def dataset_view(dataset: Any) -> dict[str, Any]:
    """A dataset as its pages show it: messages name the uploaded file, never our paths."""

    def clean(text: str) -> str:
        return selectors.dataset_text(dataset, text)

    report = dataset.report or {}
    return {
        "message": clean(dataset.message),
        "problems": [
            {
                "file": dataset.original_name,
                "line": p.get("line"),
                "detail": clean(str(p.get("detail", ""))),
            }
            for p in (report.get("problems") or [])[:50]
        ],
    }


def _upload_context(project: Any, form: UploadForm, dataset: Any) -> dict[str, Any]:
    from cmepath.core.filecheck import human_size

    return {
        "project": project,
        "form": form,
        "dataset": dataset,
        "shown": dataset_view(dataset) if dataset is not None else None,
        "upload_limit": human_size(services.max_extract_bytes()),
        "upload_quota": human_size(services.upload_quota_bytes()),
    }


@login_required
@require_GET
def dataset_status(request: HttpRequest, pk: int, dataset_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.user, pk=pk)
    dataset = selectors.dataset_get(actor=request.user, pk=dataset_id)
    if dataset.project_id != project.pk:
        raise NotFoundError("Not found.")
    return render_page(
        request,
        "outcomes/upload.html",
        _upload_context(project, UploadForm(), dataset),
        partial="outcomes/partials/dataset_status.html",
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .reports import report_pdf as build_pdf

    project = selectors.project_get(actor=request.user, pk=pk)
    stages = [
        (
            s.get_stage_display(),
            f"completed {s.completed_on} ({s.credits} credits)" if s.completed_on else "open",
        )
        for s in project.stages.all()
    ]
    pdf = build_pdf(
        project_title=project.title,
        practice_gap=project.practice_gap,
        stages=stages,
        reports=selectors.project_reports(project=project),
    )
    audit_record(actor=request.user, action="outcomes.report_export", target=project)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="qi-project-{project.pk}.pdf"'
    return response


@require_GET
@cache_control(max_age=31536000, public=True, immutable=True)
def plotly_js(request: HttpRequest) -> FileResponse:
    """plotly.js as shipped inside the plotly package (no CDN; CSP script-src 'self')."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="text/javascript")
    response["X-Content-Type-Options"] = "nosniff"
    return response
