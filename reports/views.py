from django.views.generic import TemplateView

from core.access import Access

from .home import work_queues_for


class HomeView(TemplateView):
    """Each role's work queue on one page; a person with several roles sees each of them."""

    access = Access.INTERNAL
    template_name = "reports/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(queues=work_queues_for(self.request.user), **kwargs)
