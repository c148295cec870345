from django.urls import path

from strom.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("demo/outbox/", views.demo_outbox, name="demo_outbox"),
]
