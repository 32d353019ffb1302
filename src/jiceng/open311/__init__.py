"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/: appeal
categories as services, appeals as service requests, so existing civic clients work unchanged."""
