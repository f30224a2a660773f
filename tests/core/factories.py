import factory

from core.models import PdfJob
from tests.factories import UserFactory


class PdfJobFactory(factory.django.DjangoModelFactory):
    """A queued job (the state is protected: move it with its transitions)."""

    class Meta:
        model = PdfJob

    kind = "test_slips"
    parameters = factory.Dict({"count": 3})
    created_by = factory.SubFactory(UserFactory, roles=("warehouse",))
