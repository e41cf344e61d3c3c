from django.urls import path

from .feeds import AllArticlesFeed, TopicFeed
from .views import articles, authoring, disclosures, editorial, reading

app_name = "hub"

urlpatterns = [
    path("", reading.index, name="index"),
    path("feed.atom", AllArticlesFeed(), name="feed_all"),
    path("topics/<str:topic>/", reading.topic, name="topic"),
    path("topics/<str:topic>/feed.atom", TopicFeed(), name="feed"),
    path("reading-list/", reading.reading_list, name="reading_list"),
    path("write/", authoring.write, name="write"),
    path("write/new/", authoring.create, name="create"),
    path("articles/<slug:slug>/", articles.article_detail, name="article"),
    path("articles/<slug:slug>/revisions/", articles.revisions, name="revisions"),
    path("articles/<slug:slug>/diff/<int:old>/<int:new>/", articles.diff, name="diff"),
    path("articles/<slug:slug>/edit/", authoring.edit, name="edit"),
    path("articles/<slug:slug>/submit/", authoring.submit, name="submit"),
    path("articles/<slug:slug>/correct/", authoring.correct, name="correct"),
    path("articles/<slug:slug>/comment/", editorial.comment, name="comment"),
    path(
        "articles/<slug:slug>/request-changes/", editorial.request_changes, name="request_changes"
    ),
    path("articles/<slug:slug>/approve/", editorial.approve, name="approve"),
    path("articles/<slug:slug>/publish/", editorial.publish, name="publish"),
    path("articles/<slug:slug>/retract/", editorial.retract, name="retract"),
    path("articles/<slug:slug>/reading-list/", reading.reading_toggle, name="reading_toggle"),
    path("review/", editorial.review, name="review"),
    path("experts/", editorial.experts, name="experts"),
    path("experts/approve/", editorial.expert_approve, name="expert_approve"),
    path("experts/<int:pk>/revoke/", editorial.expert_revoke, name="expert_revoke"),
    path("disclosures/", disclosures.disclosures_page, name="disclosures"),
    path("disclosures/add/", disclosures.disclosure_add, name="disclosure_add"),
    path("disclosures/<int:pk>/end/", disclosures.disclosure_end, name="disclosure_end"),
    path("disclosures/statement/", disclosures.statement_declare, name="statement_declare"),
]
