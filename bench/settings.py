"""The portal's own settings, with one URL more for the load benchmark: an empty logged-in
view (bench/urls.py). Never used outside bench/load.py."""

from remiss.settings import *  # noqa: F403 - the same settings, one URL configuration more

ROOT_URLCONF = "bench.urls"
