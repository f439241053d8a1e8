from django.core.cache import cache
from django.shortcuts import render

from .. import figures
from ..charts import columns, days
from ..timeutil import today

FIGURES_CACHE_SECONDS = 3600


def home(request):
    return render(request, "claims/home.html")


def figures_page(request):
    """/cijfers/: how many claims, how long they take (issue 8). Public and aggregated; the figures are cached for
    an hour (per day, so the weeks move on at midnight). Without Redis the cache misses and the page counts live."""
    on = today()
    key = f"public-figures:v1:{on.isoformat()}"
    headlines = cache.get(key)
    if headlines is None:
        headlines = figures.headlines(as_of=on)
        cache.set(key, headlines, FIGURES_CACHE_SECONDS)
    weekly = [(monday.isoformat(), count) for monday, count in headlines.weekly]
    return render(request, "claims/public/figures.html", {
        "h": headlines, "weekly": columns(weekly), "small": figures.SMALL,
        "times": headlines.times and {name: days(getattr(headlines.times, name)) for name in (
            "median_days", "p90_days", "median_awb_days", "p90_awb_days")},
    })
