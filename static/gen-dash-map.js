/*
 * gen-dash: how every map of gen_dash.maps is drawn in the browser.
 *
 * Served by Streamlit from static/ (cached by the browser), loaded after Leaflet and Leaflet.markercluster. Each map
 * sends only its data, with named fields; text from a snapshot is always set with textContent, never as HTML.
 */
(function () {
    "use strict";

    function element(tag, text) {
        var node = document.createElement(tag);
        if (text !== undefined) { node.textContent = text; }
        return node;
    }

    function label(text) {
        return function () { return element("span", text); };
    }

    // Leaflet focuses the map on mousedown (for its keyboard controls) and the browser then scrolls the page to show
    // the whole map: when the map is partly below the fold, the page jumps under the pointer and the click lands on
    // another place (a fabrique's popup never opens). Focus it without scrolling instead.
    function focusWithoutScrolling(map) {
        if (!map.keyboard) { return; }
        map.keyboard.disable();
        map.keyboard._onMouseDown = function () {
            if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
        };
        map.keyboard.enable();
    }

    // A screen reader's name on a marker's element (a marker the keyboard reaches is a button).
    function named(el, name) {
        if (!el) { return; }
        el.setAttribute("aria-label", name);
        el.setAttribute("role", "button");
    }

    // A divIcon whose element carries a name.
    var NamedIcon = L.DivIcon.extend({
        createIcon: function (old) {
            var el = L.DivIcon.prototype.createIcon.call(this, old);
            named(el, this.options.name);
            return el;
        }
    });

    // A red disc with a number of fabriques (a cluster, or a group sent by the server), sized by the number.
    function countIcon(n, name) {
        var size = n < 10 ? 26 : n < 100 ? 32 : 40;
        return new NamedIcon({className: "gen-dash-cluster", iconSize: L.point(size, size), name: name,
                              html: '<div style="width:' + size + "px;height:" + size + "px;line-height:" + size +
            "px;border-radius:50%;background:rgba(200,16,46,0.92);border:2px solid #fff;color:#fff;font-weight:bold;" +
            'font-size:12px;text-align:center;box-shadow:0 0 3px rgba(0,0,0,0.4)">' + n + "</div>"});
    }

    window.genDash = {
        /* What every map does for the keyboard, screen readers and French: the frame's language, title, landmark
           and heading; zoom allowed (no user-scalable=no); the zoom buttons first in tab order and in French; a
           metric scale; the attribution in French. options: {titre}. */
        accessible: function (map, options) {
            document.documentElement.lang = "fr";
            document.title = options.titre;
            if (window.frameElement) { window.frameElement.title = options.titre; }
            document.querySelectorAll("meta[name=viewport]").forEach(function (meta) {
                meta.setAttribute("content", "width=device-width, initial-scale=1");
            });
            var root = document.getElementById("root") || document.body;
            root.setAttribute("role", "main");
            root.setAttribute("aria-label", options.titre);  // named: not mistaken for the page's own main region
            if (!document.querySelector("h1.gen-dash-titre")) {
                var heading = element("h1", options.titre);
                heading.className = "gen-dash-titre";
                heading.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);" +
                                        "white-space:nowrap;margin:-1px;padding:0;border:0";
                root.insertBefore(heading, root.firstChild);
            }
            var container = map.getContainer();
            container.setAttribute("aria-label", options.titre + " (flèches : déplacer la carte ; + et − : zoomer)");
            var controls = container.querySelector(".leaflet-control-container");
            if (controls) { container.insertBefore(controls, container.firstChild); }
            [["in", "Zoomer"], ["out", "Dézoomer"]].forEach(function (pair) {
                var button = container.querySelector(".leaflet-control-zoom-" + pair[0]);
                if (button) { button.title = pair[1]; button.setAttribute("aria-label", pair[1]); }
            });
            L.control.scale({imperial: false, metric: true}).addTo(map);
            map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Leaflet, bibliothèque de cartes ' +
                                             'interactives" lang="en">Leaflet</a>');
        },


        /* The fabriques, clustered: data = {lat: [...], lon: [...], colonnes: {nom: [...], porteur: [...], ...},
           libelles: {field: French label shown in the popup, in order}}. */
        fabriques: function (map, data) {
            var cluster = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 45,
                                                iconCreateFunction: window.genDash.cluster});
            var names = Object.keys(data.colonnes);
            for (var i = 0; i < data.lat.length; i++) {
                var fields = {};
                names.forEach(function (name) { fields[name] = data.colonnes[name][i]; });
                window.genDash.fabrique(data.lat[i], data.lon[i], fields, data.libelles).addTo(cluster);
            }
            cluster.addTo(map);
        },

        /* One fabrique: a red disc the keyboard reaches (Enter opens its popup), named for a screen reader
           (« Fabrique X, Toulouse, 3 formations »); its popup shows each labelled field that has a value. */
        fabrique: function (lat, lon, fields, labels) {
            var name = [fields.nom, fields.commune, fields.formations !== "" ? fields.formations + " formation(s)" : ""]
                .filter(function (part) { return part !== "" && part !== undefined; }).join(", ");
            var marker = L.marker(new L.LatLng(lat, lon), {title: name, keyboard: true, icon: new NamedIcon({
                className: "gen-dash-fabrique", iconSize: L.point(15, 15), name: name,
                html: '<div style="width:12px;height:12px;border-radius:50%;background:#c8102e;border:1.5px solid #fff;' +
                      'box-shadow:0 0 2px rgba(0,0,0,0.6)"></div>'})});
            marker.bindPopup(function () {
                var box = element("div");
                box.appendChild(element("strong", fields.nom));
                Object.keys(labels).forEach(function (key) {
                    var value = fields[key];
                    if (value === "" || value === null || value === undefined) { return; }
                    box.appendChild(element("div", labels[key] + " : " + value));
                });
                return box;
            });
            marker.bindTooltip(label(fields.nom));
            return marker;
        },

        /* Fabriques grouped by the server (a big snapshot): data = {lat, lon, fabriques, formations, commune}, one
           numbered disc per square, named « 37 fabriques autour de Lyon, 52 formations ». */
        groups: function (map, data) {
            var layer = L.featureGroup();
            for (var i = 0; i < data.lat.length; i++) {
                var n = data.fabriques[i];
                var name = n + " fabrique(s) autour de " + data.commune[i] + ", " + data.formations[i] + " formation(s)";
                var marker = L.marker([data.lat[i], data.lon[i]], {title: name, keyboard: true, icon: countIcon(n, name)});
                marker.bindTooltip(label(name));
                marker.addTo(layer);
            }
            layer.addTo(map);
        },

        /* A cluster of fabriques: a red disc with their number, named « 12 fabriques, zoomer » (Enter zooms in). */
        cluster: function (cluster) {
            var n = cluster.getChildCount();
            return countIcon(n, n + " fabriques, zoomer");
        },

        /* A commune farther than the radius: {lat, lon, nom, population, rayon}. */
        uncovered: function (point) {
            var marker = L.circleMarker([point.lat, point.lon], {radius: point.rayon, weight: 0.5, color: "#ffffff",
                                                                 fillColor: "#6a6f7a", fillOpacity: 0.75});
            marker.bindTooltip(label(point.nom + " : " + point.population + " habitants"));
            return marker;
        },

        /* A suggested site: {lat, lon, rang, nom, gain}. */
        suggestion: function (point) {
            var marker = L.marker([point.lat, point.lon], {icon: L.divIcon({className: "gen-dash-suggestion",
                iconSize: L.point(24, 24), html: '<div style="width:24px;height:24px;line-height:24px;' +
                "border-radius:50%;background:#000091;color:#fff;border:2px solid #fff;text-align:center;" +
                'font-weight:bold;font-size:11px;box-shadow:0 0 3px rgba(0,0,0,.5)">' + Number(point.rang) + "</div>"})});
            var name = "Site suggéré n° " + point.rang + " : " + point.nom + ", " + point.gain + " habitants de plus à portée";
            marker.options.title = name;
            marker.on("add", function () { named(marker.getElement(), name); });
            marker.bindTooltip(label(point.rang + ". " + point.nom + " : +" + point.gain + " habitants à portée"));
            return marker;
        },

        /* A fabrique near the commune searched: {lat, lon, rang, nom, distance}. */
        nearby: function (point) {
            var marker = L.marker([point.lat, point.lon], {icon: L.divIcon({className: "gen-dash-nearby",
                iconSize: L.point(22, 22), html: '<div style="width:22px;height:22px;line-height:22px;' +
                "border-radius:50%;background:#c8102e;color:#fff;border:2px solid #fff;text-align:center;" +
                'font-weight:bold;font-size:11px;box-shadow:0 0 3px rgba(0,0,0,.5)">' + Number(point.rang) + "</div>"})});
            var name = point.rang + ". " + point.nom + ", à " + point.distance + " km";
            marker.options.title = name;
            marker.on("add", function () { named(marker.getElement(), name); });
            marker.bindTooltip(label(name));
            return marker;
        },

        /* The commune searched and its R-km circle: {lat, lon, rayon_m, nom}. */
        around: function (map, place) {
            L.circle([place.lat, place.lon], {radius: place.rayon_m, color: "#000091", weight: 2, dashArray: "6 4",
                                              fill: false, interactive: false}).addTo(map);
            var marker = L.circleMarker([place.lat, place.lon], {radius: 7, color: "#ffffff", weight: 2,
                                                                 fillColor: "#000091", fillOpacity: 1});
            marker.bindTooltip(label(place.nom));
            marker.addTo(map);
        },

        /* A formation added, removed or changed: {lat, lon, couleur, forme, signe, texte}. The shape and sign say it as
           well as the colour (a disc « + » added, a square « − » removed, a diamond « ~ » changed). */
        change: function (point) {
            var radius = point.forme === "losange" ? "2px" : point.forme === "carre" ? "1px" : "50%";
            var turn = point.forme === "losange" ? "transform:rotate(45deg);" : "";
            var marker = L.marker([point.lat, point.lon], {title: point.texte, keyboard: true, icon: new NamedIcon({
                className: "gen-dash-change", iconSize: L.point(16, 16), name: point.texte,
                html: '<div style="width:14px;height:14px;line-height:14px;border-radius:' + radius + ";background:" +
                      point.couleur + ';border:1px solid #fff;color:#fff;font:bold 12px sans-serif;text-align:center;' +
                      turn + '"><span style="display:inline-block;' + (turn ? "transform:rotate(-45deg);" : "") + '">' +
                      point.signe + "</span></div>"})});
            marker.bindTooltip(label(point.texte));
            return marker;
        },

        /* Points drawn by one of the functions above, in a layer of their own. */
        points: function (map, points, make) {
            var layer = L.featureGroup();
            points.forEach(function (point) { make(point).addTo(layer); });
            layer.addTo(map);
        },

        /* Départements coloured by an indicator and région borders, from the static contours (TopoJSON: each border
           once, shared by its two sides). options: {contours (URL), areas (URL of other areas, the EPCI, or null for
           the départements), borders ("regions": between two régions and on the coast; "departements": all),
           looks: {code: {couleur, dans, valeur, classe, lignes}}, label, attribution}; lignes: an EPCI's other
           figures. */
        areas: function (map, options) {
            var looks = options.looks;
            // Below Leaflet's overlay pane (400), where the fabriques' circles are: they stay clickable.
            ["genDashDepartements", "genDashRegions"].forEach(function (name, i) {
                if (!map.getPane(name)) { map.createPane(name).style.zIndex = 350 + i; }
            });
            map.getPane("genDashRegions").style.pointerEvents = "none";
            focusWithoutScrolling(map);
            var json = function (r) { return r.json(); };
            var contours = fetch(options.contours).then(json);
            var areas = options.areas ? fetch(options.areas).then(json) : contours.then(function (topology) {
                return topojson.feature(topology, topology.objects.departements);
            });
            areas.then(function (data) {
                var layer = L.geoJSON(data, {
                    pane: "genDashDepartements",
                    style: function (f) {
                        var look = looks[f.properties.code] || {couleur: "#c9ccd1", dans: true, valeur: "–"};
                        // The fill is opaque: the colour seen is the legend's colour.
                        return {fillColor: look.couleur, fillOpacity: 1, color: look.dans ? "#5f6b7a" : "#b7bcc4",
                                weight: 0.6, className: "gen-dash-dep gen-dash-dep-" + f.properties.code};
                    },
                    onEachFeature: function (f, shape) {
                        var look = looks[f.properties.code] || {valeur: "–", classe: ""};
                        shape.bindTooltip(function () {
                            var box = element("div");
                            box.appendChild(element("strong", f.properties.nom + " (" + f.properties.code + ")"));
                            box.appendChild(element("div", options.label + " : " + look.valeur));
                            (look.lignes || []).forEach(function (line) { box.appendChild(element("div", line)); });
                            return box;
                        }, {sticky: false});
                        shape.on("mouseover", function () { shape.setStyle({weight: 2.5, color: "#1f2a44"}); });
                        shape.on("mouseout", function () { layer.resetStyle(shape); });
                    }
                }).addTo(map);
            });
            contours.then(function (topology) {
                // A border is kept when its two sides are in two régions, or when it has one side (the coast, a
                // frontier); a filter left undefined keeps them all.
                var between = options.borders === "regions" ? function (a, b) {
                    return a === b || a.properties.region !== b.properties.region;
                } : undefined;
                var lines = topojson.mesh(topology, topology.objects.departements, between);
                L.geoJSON(lines, {pane: "genDashRegions", interactive: false,
                                  style: {fill: false, color: "#1f2a44", weight: 1.6, opacity: 0.9}}).addTo(map);
            });
            map.attributionControl.addAttribution(options.attribution);
        },

        /* The legend: HTML built and escaped in Python. */
        legend: function (map, html) {
            var legend = L.control({position: "topright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "gen-dash-legend");
                div.innerHTML = html;
                // On a phone the legend would hide the top of the map: folded, one tap opens it.
                var fold = div.querySelector("details");
                if (fold && window.innerWidth < 600) { fold.open = false; }
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
        },

        /* The DROM insets' frames and names: [{nom, bounds: [[south, west], [north, east]]}]. */
        insets: function (map, frames) {
            frames.forEach(function (frame) {
                L.rectangle(frame.bounds, {color: "#8a94a3", weight: 1, fill: false, dashArray: "4 3",
                                           interactive: false}).addTo(map);
                var name = element("span", frame.nom);
                name.style.cssText = "font: 11px sans-serif; color: #3c4757; white-space: nowrap;";
                L.marker([frame.bounds[1][0], frame.bounds[0][1]], {interactive: false, keyboard: false, icon: L.divIcon({
                    className: "gen-dash-inset-label", iconSize: null, html: name})}).addTo(map);
            });
        }
    };
})();
