// A map pin on an appeal: on the form, tap the map or use the phone's position (optional); on the
// appeal page, where it was pinned. Tiles are drawn only when the deployment names a tile server
// (JICENG_MAP_TILES): government intranets are often offline, so the grid outlines come first.
(function () {
  function draw(el) {
    var tiles = el.dataset.tiles;
    var map = L.map(el, { attributionControl: !!tiles, maxZoom: 19 });
    if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    var outlines = el.dataset.outlines ? JSON.parse(el.dataset.outlines) : null;
    var layer = null;
    if (outlines && outlines.features && outlines.features.length) {
      layer = L.geoJSON(outlines, {
        style: { color: "#206bc4", weight: 2, fillOpacity: 0.05 },
        onEachFeature: function (feature, shape) {
          if (feature.properties && feature.properties.name) shape.bindTooltip(feature.properties.name);
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    } else {
      map.setView(el.dataset.centre.split(",").map(Number), 16);
    }
    return map;
  }

  function pin(el) {
    var map = draw(el);
    var form = el.closest("form");
    var lat = form ? form.querySelector("[name=latitude]") : null;
    var lng = form ? form.querySelector("[name=longitude]") : null;
    var text = el.parentNode.querySelector("[data-pin-text]");
    var marker = null;

    function place(latlng, move) {
      var a = latlng.lat.toFixed(6);
      var b = latlng.lng.toFixed(6);
      if (lat) {
        lat.value = a;
        lng.value = b;
      }
      if (!marker) {
        marker = L.marker(latlng, { draggable: !!lat }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      if (move) map.setView(latlng, Math.max(map.getZoom(), 17));
      if (text) text.textContent = el.dataset.msgPlaced.replace("{pos}", a + ", " + b);
    }

    var start = lat && lat.value ? [lat.value, lng.value] : el.dataset.lat ? [el.dataset.lat, el.dataset.lng] : null;
    if (start) place(L.latLng(Number(start[0]), Number(start[1])), true);
    if (!lat) return; // the appeal page: read only

    map.on("click", function (e) { place(e.latlng, false); });
    var locate = el.parentNode.querySelector("[data-pin-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        text.textContent = el.dataset.msgLocating;
        navigator.geolocation.getCurrentPosition(
          function (pos) { place(L.latLng(pos.coords.latitude, pos.coords.longitude), true); },
          function () { text.textContent = el.dataset.msgDenied; },
          { enableHighAccuracy: true, timeout: 10000 }
        );
      });
    } else if (locate) {
      locate.hidden = true;
    }
    el.parentNode.querySelector("[data-pin-clear]").addEventListener("click", function () {
      lat.value = "";
      lng.value = "";
      if (marker) map.removeLayer(marker);
      marker = null;
      text.textContent = el.dataset.msgNone;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) return;
    document.querySelectorAll("[data-pin-map]").forEach(function (el) {
      var details = el.closest("details");
      var started = false;
      function start() {
        if (started) return;
        started = true;
        pin(el);
      }
      // A map inside a closed <details> has no size yet: draw it when opened.
      if (!details || details.open) start();
      else details.addEventListener("toggle", function () { if (details.open) start(); });
    });
  });
})();
