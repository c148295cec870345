from django.urls import path

from strom.core import views

app_name = "core"

urlpatterns = [
    path("demo/outbox/", views.demo_outbox, name="demo_outbox"),
]
