// Draws a grid's GeoJSON boundary without any tile server: government intranets are often offline.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("grid-map");
  if (!el || !window.L) return;
  var map = L.map(el, { attributionControl: false });
  var layer = L.geoJSON(JSON.parse(el.dataset.boundary), { style: { color: "#206bc4", weight: 2 } }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
});
