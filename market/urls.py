from django.urls import path

from . import views

app_name = "market"

PREFIX = "projects/<int:project_id>/market/"
EVAL = "projects/<int:project_id>/evaluation/"
PAIR = "<int:vendor_id>/<int:requirement_id>/"

urlpatterns = [
    path(PREFIX, views.page, name="page"),
    path(PREFIX + "vendors/", views.vendor_add, name="vendor_add"),
    path(PREFIX + "vendors/<int:vendor_id>/", views.vendor_change, name="vendor_change"),
    path(PREFIX + "vendors/<int:vendor_id>/products/", views.product_add, name="product_add"),
    path(PREFIX + "vendors/<int:vendor_id>/answers/", views.offer_import, name="offer_import"),
    path(PREFIX + "dialogue/", views.dialogue_add, name="dialogue_add"),
    path(PREFIX + "dialogue/<int:entry_id>/answer/", views.question_answer, name="question_answer"),
    path(PREFIX + "files/<int:file_id>/", views.dialogue_file, name="dialogue_file"),
    path(PREFIX + "questionnaire.xlsx", views.questionnaire_xlsx, name="questionnaire_xlsx"),
    path(PREFIX + "questionnaire.docx", views.questionnaire_docx, name="questionnaire_docx"),
    path(
        PREFIX + "products/<int:product_id>/model-card/",
        views.model_card_import,
        name="model_card_import",
    ),
    path(
        PREFIX + "model-card/<int:field_id>/confirm/",
        views.model_card_confirm,
        name="model_card_confirm",
    ),
    path(PREFIX + "model-card.xml", views.model_card_export, name="model_card_export"),
    path(EVAL, views.evaluation, name="evaluation"),
    path(EVAL + "evaluators/", views.evaluator_add, name="evaluator_add"),
    path(
        EVAL + "evaluators/<int:user_id>/remove/", views.evaluator_remove, name="evaluator_remove"
    ),
    path(EVAL + "criteria/<int:requirement_id>/scale/", views.scale_set, name="scale_set"),
    path(EVAL + "scores/" + PAIR, views.score_save, name="score_save"),
    path(EVAL + "consensus/" + PAIR, views.consensus_set, name="consensus_set"),
    path(EVAL + "minimum/" + PAIR, views.minimum_set, name="minimum_set"),
    path(EVAL + "finish/", views.evaluation_finish, name="evaluation_finish"),
    path(EVAL + "report.docx", views.evaluation_report, name="evaluation_report"),
]
