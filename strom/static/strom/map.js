// The service map: one pin per public location (pins too close to tell apart become one numbered pin),
// over an offline base layer of the Baltic Sea region (countries, borders, coastline and names from Natural
// Earth, a static file of this app). If the operator set a tile server, its tiles cover the base layer,
// which shows through wherever a tile fails. The page works without this file: the table below the map
// has every service on it.
// Everything the script needs comes from data- attributes, because the CSP allows no inline script.
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

  // Land light and warm, sea a pale blue, borders dashed grey, coastline a darker blue: quiet enough
  // for Leaflet's blue pins to stand out on both.
  var BASE_STYLE = {
    country: { stroke: false, fill: true, fillColor: "#efebe0", fillOpacity: 1 },
    border: { color: "#8c8577", weight: 1, opacity: 1, dashArray: "4 3", fill: false },
    coastline: { color: "#6f8fa6", weight: 1, opacity: 1, fill: false },
  };

  // Asked for at once, drawn once the map exists; a failure leaves the plain background and says so.
  var base = fetch(settings.baseUrl, { headers: { Accept: "application/geo+json, application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("base layer: " + response.status);
      }
      return response.json();
    })
    .catch(function () {
      return null;
    });

  var countryNames = {};
  try {
    countryNames = JSON.parse(settings.countryNames || "{}");
  } catch (error) {
    countryNames = {};
  }

  // A name written on the map at a point: not a marker (nothing to click or to count), a caption of the
  // picture that screen readers skip, since the list below names every place.
  var Label = L.Layer.extend({
    initialize: function (latlng, text) {
      this._latlng = L.latLng(latlng);
      this._text = text;
    },
    onAdd: function (map) {
      this._element = L.DomUtil.create("div", "map-country-label leaflet-zoom-animated", map.getPane("labels"));
      var text = document.createElement("span");
      text.textContent = this._text;
      text.setAttribute("aria-hidden", "true");
      this._element.appendChild(text);
      this._update();
    },
    onRemove: function () {
      L.DomUtil.remove(this._element);
    },
    getEvents: function () {
      return { zoom: this._update, viewreset: this._update, zoomanim: this._animateZoom };
    },
    _update: function () {
      L.DomUtil.setPosition(this._element, this._map.latLngToLayerPoint(this._latlng).round());
    },
    _animateZoom: function (event) {
      var point = this._map._latLngToNewLayerPoint(this._latlng, event.zoom, event.center).round();
      L.DomUtil.setPosition(this._element, point);
    },
  });

  // A country's name in the reader's language where the page gave one, else Natural Earth's English.
  function addLabels(map, geojson) {
    map.createPane("labels");
    map.getPane("labels").style.zIndex = 160; // above the base layer, under the tiles (they have their own)
    map.getPane("labels").style.pointerEvents = "none";
    geojson.features.forEach(function (feature) {
      var properties = feature.properties;
      if (properties.kind !== "country" || !properties.label) {
        return;
      }
      var name = countryNames[properties.code] || properties.name;
      new Label([properties.label[1], properties.label[0]], name).addTo(map);
    });
    // Far out the names would cover each other and the small countries.
    function fit() {
      element.classList.toggle("service-map--far", map.getZoom() < 5);
    }
    map.on("zoomend", fit);
    fit();
  }

  function addBase(map, geojson) {
    map.createPane("base");
    map.getPane("base").style.zIndex = 150; // under the tiles (200), the pins and popups
    map.getPane("base").style.pointerEvents = "none";
    addLabels(map, geojson);
    L.geoJSON(geojson, {
      pane: "base",
      interactive: false,
      attribution: "Natural Earth",
      style: function (feature) {
        return BASE_STYLE[feature.properties.kind] || BASE_STYLE.country;
      },
    }).addTo(map);
  }

  function entry(properties, tag) {
    var box = document.createElement(tag);
    var name = document.createElement("p");
    var link = document.createElement("a");
    var organisation = document.createElement("p");
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

  function popup(members) {
    if (members.length === 1) {
      var single = entry(members[0].properties, "div");
      single.className = "map-popup";
      return single;
    }
    var box = document.createElement("div");
    var heading = document.createElement("p");
    var list = document.createElement("ul");
    box.className = "map-popup map-popup--group";
    heading.className = "map-popup__count";
    heading.textContent = groupLabel(members.length);
    members.forEach(function (feature) {
      list.appendChild(entry(feature.properties, "li"));
    });
    box.appendChild(heading);
    box.appendChild(list);
    return box;
  }

  function groupLabel(count) {
    return settings.groupLabel.replace("{number}", String(count));
  }

  // Pins closer than this on the screen would hide each other: they become one numbered pin, so that
  // what the map shows adds up to the count below it at any zoom. Regrouped after every zoom.
  var NEAR = 28;

  function groups(map, features) {
    var zoom = map.getZoom();
    var found = [];
    features.forEach(function (feature) {
      var at = map.project([feature.properties.lat, feature.properties.lon], zoom);
      for (var i = 0; i < found.length; i += 1) {
        if (found[i].at.distanceTo(at) < NEAR) {
          found[i].members.push(feature);
          return;
        }
      }
      found.push({ at: at, members: [feature] });
    });
    return found;
  }

  function draw(collection) {
    var features = (collection && collection.features) || [];
    if (features.length === 0) {
      return;
    }
    wrap.hidden = false;
    var map = L.map(element, { zoomControl: false, attributionControl: true, maxZoom: 18 });
    // The zoom level the map has settled on, for whoever needs to know that a zoom has finished.
    map.on("zoomend", function () { element.setAttribute("data-zoom", String(map.getZoom())); });
    L.control.zoom({ zoomInTitle: settings.zoomIn, zoomOutTitle: settings.zoomOut }).addTo(map);
    var baseDrawn = null; // unknown until the base layer has arrived or failed
    var tilesFailed = false;
    function explain() {
      if (baseDrawn === false && (!settings.tileUrl || tilesFailed)) {
        tell(notice.dataset.noBackground);
      } else if (baseDrawn && tilesFailed) {
        tell(notice.dataset.noTiles);
      }
    }
    base.then(function (geojson) {
      baseDrawn = Boolean(geojson);
      if (geojson) {
        addBase(map, geojson);
      }
      explain();
    });
    if (settings.tileUrl) {
      L.tileLayer(settings.tileUrl, { attribution: settings.attribution, maxZoom: 19 })
        .on("tileerror", function () {
          tilesFailed = true;
          explain();
        })
        .addTo(map);
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
    var groupIcon = function (count) {
      var number = document.createElement("span");
      number.textContent = String(count);
      return L.divIcon({ className: "map-group", html: number, iconSize: [34, 34], popupAnchor: [0, -14] });
    };
    var opened = null;
    var pins = L.layerGroup().addTo(map);
    function place() {
      pins.clearLayers();
      opened = null;
      groups(map, features).forEach(function (group) {
        var members = group.members;
        var latlngs = members.map(function (feature) {
          return L.latLng(feature.properties.lat, feature.properties.lon);
        });
        var marker =
          members.length === 1
            ? L.marker(latlngs[0], { icon: icon, alt: members[0].properties.name, keyboard: true })
            : L.marker(L.latLngBounds(latlngs).getCenter(), { icon: groupIcon(members.length), keyboard: true });
        marker
          .bindPopup(popup(members), { maxHeight: 260 })
          .on("popupopen", function (event) {
            opened = event.target;
          })
          .on("add", function () {
            var pin = marker.getElement();
            pin.dataset.count = String(members.length);
            if (members.length > 1) {
              pin.setAttribute("aria-label", groupLabel(members.length));
            }
          })
          .addTo(pins);
      });
    }
    var points = features.map(function (feature) {
      return [feature.properties.lat, feature.properties.lon];
    });
    // Leaflet closes a popup on Escape only while the map itself has focus, not a marker or the popup.
    element.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && opened && opened.isPopupOpen()) {
        map.closePopup();
        opened.getElement().focus();
      }
    });
    // Without tiles the base layer has no streets: stay far enough out to show the region around the pins.
    map.fitBounds(L.latLngBounds(points), { padding: [40, 40], maxZoom: settings.tileUrl ? 14 : 8 });
    place();
    map.on("zoomend", place);
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
