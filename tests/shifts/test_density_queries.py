"""Issue 16: each page of the portal and the rota reads the same number of queries for a small shelter and for one
five times its size, so nothing grows with the data (benchmarks/density.py times them at 1× and 10×).

Both shelters come from the benchmark's seed (benchmarks/_density_seed.py) at reduced sizes: 1 line × 3 days
with 12 volunteers, and 5 lines × 10 days with 40 volunteers (150 shifts)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks._density_seed import Density, seed_density
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

SMALL = {"lines": 1, "volunteers": 12, "days": 3, "slug": "density-small"}
LARGE = {"lines": 5, "volunteers": 40, "days": 10, "slug": "density-large"}

# page: (URL name, who looks at it, its query string for the seeded shelter); the shift page is the gap's
PAGES = {
    "open shifts": ("shifts:portal_open", "volunteer", lambda s: ""),
    "my shifts": ("shifts:portal_mine", "volunteer", lambda s: ""),
    "month rota": ("shifts:rota_month", "coordinator", lambda s: f"?month={s.month:%Y-%m}"),
    "week rota": ("shifts:rota_week", "coordinator", lambda s: f"?week={s.week:%Y-%m-%d}"),
    "gaps": ("shifts:rota_gaps", "coordinator", lambda s: ""),
    "shift page of a gap": ("shifts:rota_shift", "coordinator", lambda s: ""),
    # Its assign list: htmx loads it into the page (HTMX below); without JavaScript, the page at ?assign=1.
    "shift page's assign list": ("shifts:rota_shift", "coordinator", lambda s: "?assign=1"),
    "shift page with its assign list, no JavaScript": ("shifts:rota_shift", "coordinator", lambda s: "?assign=1"),
    "coordinator's start page": ("members:portal", "coordinator", lambda s: ""),
}


# The pages a browser asks for through htmx, with the headers it sends.
HTMX = {"shift page's assign list": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "assign-choices"}}


def _visit(page: str, seeded: Density) -> tuple[Client, str]:
    name, who, query = PAGES[page]
    kwargs: dict = {"organisation": seeded.organisation.slug}
    if name == "shifts:rota_shift":
        kwargs["pk"] = seeded.gap_shift.pk
    client = log_in(Client(**HTMX.get(page, {})), seeded.coordinator if who == "coordinator" else seeded.volunteer)
    return client, reverse(name, kwargs=kwargs) + query(seeded)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_reads_as_many_queries_for_a_big_shelter_as_for_a_small_one(page, django_assert_num_queries):
    small, large = seed_density(**SMALL), seed_density(**LARGE)
    assert (small.shifts, large.shifts) == (9, 150)
    (small_client, small_url), (large_client, large_url) = _visit(page, small), _visit(page, large)
    # A first visit of each warms what a running server has warm (sessions, caches, templates).
    assert small_client.get(small_url).status_code == 200
    assert large_client.get(large_url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert small_client.get(small_url).status_code == 200
    with django_assert_num_queries(len(queries)):
        assert large_client.get(large_url).status_code == 200
