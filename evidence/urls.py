from django.urls import path

from . import views

urlpatterns = [
    path("evidence/", views.evidence_browser, name="evidence-browser"),
    path("evidence/pictures/", views.evidence_pictures, name="evidence-pictures"),
    path("terms/<str:facet>/<path:label>/", views.term_page, name="evidence-term"),
    path("evidence/reviews/<int:pmid>/chips/", views.review_citation_chips, name="evidence-review-chips"),
    path("evidence/reviews/<int:pmid>/mechanisms/", views.review_mechanisms, name="evidence-review-mechanisms"),
    path("evidence/articles/<int:pk>/mechanisms/", views.article_mechanisms, name="evidence-article-mechanisms"),
]
