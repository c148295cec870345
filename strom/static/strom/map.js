// The service map: one marker per public location, over a tile background if the operator set one.
// The page works without this file: the table below the map has every service on it. Everything the
// script needs comes from data- attributes, because the CSP allows no inline script.
(function () {
  "use strict";

  var element = document.querySelector("[data-service-map]");
  var wrap = document.querySelector("[data-map-wrap]");
  var notice = document.querySelector("[data-map-notice]");
  if (!element || !wrap || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var settings = element.dataset;

  function tell(message) {
    if (notice && message && notice.textContent !== message) {
      notice.textContent = message;
      notice.classList.add("map-notice--shown");
    }
  }

  function popup(properties) {
    var box = document.createElement("div");
    var name = document.createElement("p");
    var link = document.createElement("a");
    var organisation = document.createElement("p");
    box.className = "map-popup";
    name.className = "map-popup__name";
    link.href = properties.url;
    link.textContent = properties.name;
    name.appendChild(link);
    organisation.className = "map-popup__organisation";
    organisation.textContent = properties.organisation;
    box.appendChild(name);
    box.appendChild(organisation);
    return box;
  }

  function draw(collection) {
    var features = (collection && collection.features) || [];
    if (features.length === 0) {
      return;
    }
    wrap.hidden = false;
    var map = L.map(element, { zoomControl: false, attributionControl: true });
    L.control.zoom({ zoomInTitle: settings.zoomIn, zoomOutTitle: settings.zoomOut }).addTo(map);
    if (settings.tileUrl) {
      L.tileLayer(settings.tileUrl, { attribution: settings.attribution, maxZoom: 19 })
        .on("tileerror", function () {
          tell(notice.dataset.noBackground);
        })
        .addTo(map);
    } else {
      tell(notice.dataset.noBackground);
    }
    // Explicit icon addresses: Leaflet's guess from its stylesheet fails once file names are hashed.
    var icon = L.icon({
      iconUrl: settings.iconUrl,
      iconRetinaUrl: settings.iconRetinaUrl,
      shadowUrl: settings.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
    var opened = null;
    var points = features.map(function (feature) {
      var properties = feature.properties;
      var point = [properties.lat, properties.lon];
      L.marker(point, { icon: icon, alt: properties.name, keyboard: true })
        .bindPopup(popup(properties))
        .on("popupopen", function (event) {
          opened = event.target;
        })
        .addTo(map);
      return point;
    });
    // Leaflet closes a popup on Escape only while the map itself has focus, not a marker or the popup.
    element.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && opened && opened.isPopupOpen()) {
        map.closePopup();
        opened.getElement().focus();
      }
    });
    map.fitBounds(L.latLngBounds(points), { padding: [40, 40], maxZoom: 14 });
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", settings.close);
        close.setAttribute("title", settings.close);
      }
    });
  }

  fetch(settings.dataUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("map data: " + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      wrap.hidden = true;
      tell(notice.dataset.noMap);
    });
})();
