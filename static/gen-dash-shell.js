/*
 * gen-dash: Streamlit's page shell for our users — its own texts in French, and on a phone a sidebar that closes
 * once a territory or a snapshot is chosen.
 *
 * Streamlit writes its framework texts (the uploader's button, the skip link, help buttons, the dataframe toolbar…) in
 * English and has no setting to change them. scripts/streamlit_fr.py inlines this script in the page shell; it
 * translates each known text or attribute as soon as Streamlit writes it (a MutationObserver), and nothing else.
 * The list below is the whole override: tests/test_browser.py checks that none of these English texts is left.
 */
(function () {
    "use strict";
    // Numbers and dates in French whatever the browser's own locale: Streamlit formats table cells (« localized »,
    // « percent ») and dates with Intl and navigator.languages, so a ministry laptop set to English showed « 26.9% »
    // and « 9,582 ». Set before Streamlit's scripts run (this one is inlined in the shell's head).
    try {
        Object.defineProperty(navigator, "languages", { get: function () { return ["fr-FR", "fr"]; } });
        Object.defineProperty(navigator, "language", { get: function () { return "fr-FR"; } });
    } catch (ignored) { /* a browser that refuses keeps its locale: figures stay right, only their separators differ */ }
    // Streamlit's texts and attributes (aria-label, title, placeholder), as it writes them, and in French.
    var FRENCH = {
        "Skip to main content": "Aller au contenu principal",
        "Upload": "Déposer un fichier",
        "Browse files": "Parcourir",
        "Drag and drop file here": "Glissez-déposez un fichier ici",
        "Drag and drop files here": "Glissez-déposez des fichiers ici",
        "Choose an option": "Choisir",
        "Choose options": "Choisir",
        "No results": "Aucun résultat",
        "Running...": "Calcul en cours…",
        "Close": "Fermer",
        "Page not found": "Page introuvable",
        "Clear all": "Tout effacer",
        "Submit": "Valider",
        "Sidebar": "Barre latérale",
        "Collapse sidebar": "Replier la barre latérale",
        "Expand sidebar": "Déplier la barre latérale",
        "Open": "Ouvrir la liste",
        "Selected values": "Valeurs choisies",
        "file upload": "dépôt de fichier",
        "Show password": "Afficher le mot de passe",
        "Hide password": "Masquer le mot de passe",
        "App pages": "Pages du tableau de bord",
        "Link to heading": "Lien vers ce titre",
        "Show/hide columns": "Afficher ou masquer des colonnes",
        "Download as CSV": "Télécharger en CSV",
        "Search": "Rechercher",
        "Fullscreen": "Plein écran",
        "Close fullscreen": "Quitter le plein écran",
        "Exit fullscreen": "Quitter le plein écran",
        "Decrement": "Diminuer",
        "Increment": "Augmenter",
        "Copy to clipboard": "Copier",
        "Remove file": "Retirer le fichier",
        "Delete": "Supprimer",
        "streamlit_folium.st_folium": "Carte interactive",
        // Connection lost (a server restarted, or the link cut) and an unknown page: said in French, what happens next.
        "Connecting": "Connexion…",
        "Connecting to Streamlit server": "Connexion au serveur du tableau de bord",
        "Connecting to static app": "Connexion au tableau de bord",
        "Unable to connect to Streamlit server": "Le serveur du tableau de bord ne répond pas",
        "Error": "Erreur",
        "Connection error": "Connexion perdue",
        "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
            "Le serveur ne répond plus. La page se reconnecte d'elle-même dès qu'il revient.",
        "Streamlit server is not responding. Are you connected to the internet?":
            "Le serveur ne répond pas. Vérifiez votre connexion à Internet : la page se reconnecte d'elle-même.",
        "streamlit run yourscript.py": "",
        "The page that you have requested does not seem to exist. Running the app's main page.":
            "Cette page n'existe pas : voici la page d'accueil.",
        "Rerun": "Relancer",
        "Stop": "Arrêter",
        "Always rerun": "Toujours relancer",
        // st.logo's image, which is only the State's identity block here (GEN_DASH_MARQUE_ETAT).
        "Logo": "République française"
    };
    var UNITS = {"B": "o", "KB": "ko", "MB": "Mo", "GB": "Go"};
    function size(number, unit) { return number.replace(".", ",") + "\u00a0" + UNITS[unit]; }
    var PATTERNS = [
        [/^Help for (.+)$/, function (m, what) { return "Aide : " + what; }],
        [/^Remove (.+)$/, function (m, what) { return "Retirer " + what; }],
        [/^(\d+(?:\.\d+)?)(B|KB|MB|GB) per file(.*)$/, function (m, n, unit, rest) { return size(n, unit) + " par fichier" + rest; }],
        [/^(\d+(?:\.\d+)?)(B|KB|MB|GB)$/, function (m, n, unit) { return size(n, unit); }],
        // The uploaded file, as its chip names it to screen readers: « depot.csv, 30.3MB ».
        [/^(.+), (\d+(?:\.\d+)?)(B|KB|MB|GB)$/, function (m, name, n, unit) { return name + ", " + size(n, unit); }],
        [/^You have requested page \/(.*), but no corresponding file was found in the app's pages\/ directory\. Running the app's main page\.$/,
         function (m, page) { return "La page « " + page + " » n'existe pas : voici la page d'accueil."; }]
    ];
    var NAMES = ["aria-label", "title", "placeholder", "data-title", "alt"];

    function translate(text) {
        var trimmed = text.trim();
        if (Object.prototype.hasOwnProperty.call(FRENCH, trimmed)) { return text.replace(trimmed, FRENCH[trimmed]); }
        for (var i = 0; i < PATTERNS.length; i++) {
            if (PATTERNS[i][0].test(trimmed)) { return text.replace(trimmed, trimmed.replace(PATTERNS[i][0], PATTERNS[i][1])); }
        }
        return null;
    }

    function fixText(node) {
        if (!node.nodeValue || !/[A-Za-z]/.test(node.nodeValue)) { return; }
        var parent = node.parentNode;
        // Icons are written as ligatures (« upload ») in a font of their own: they are not words.
        if (parent && parent.closest && parent.closest("[data-testid=stIconMaterial], .material-icons, script, style")) { return; }
        // Code is left as written, but for the connection dialog's « streamlit run yourscript.py » (a developer's hint).
        if (parent && parent.closest && parent.closest("code") && node.nodeValue.trim() !== "streamlit run yourscript.py") { return; }
        var out = translate(node.nodeValue);
        if (out !== null && out !== node.nodeValue) { node.nodeValue = out; }
    }

    function fixElement(el) {
        NAMES.forEach(function (name) {
            var value = el.getAttribute(name);
            if (!value) { return; }
            var out = translate(value);
            if (out !== null && out !== value) { el.setAttribute(name, out); }
        });
        // The uploader's drop area is a presentation element that takes the focus: a conflict for assistive
        // technologies (axe « presentation-role-conflict »); the button inside is what the keyboard reaches.
        if (el.getAttribute("role") === "presentation" && el.hasAttribute("tabindex") && el.closest("[data-testid=stFileUploader]")) {
            el.removeAttribute("role");
            el.setAttribute("aria-label", "Zone de dépôt de fichier");
        }
    }

    function fix(root) {
        if (root.nodeType === 3) { fixText(root); return; }
        if (root.nodeType !== 1) { return; }
        fixElement(root);
        var all = root.querySelectorAll("*");
        for (var i = 0; i < all.length; i++) { fixElement(all[i]); }
        var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        var node;
        while ((node = walker.nextNode())) { fixText(node); }
    }

    var observer = new MutationObserver(function (mutations) {
        mutations.forEach(function (m) {
            if (m.type === "childList") { m.addedNodes.forEach(fix); }
            else if (m.type === "characterData") { fixText(m.target); }
            else if (m.type === "attributes") { fixElement(m.target); }
        });
    });
    // On a phone the open sidebar covers most of the screen: once a territory or a snapshot is chosen in one of its
    // single-choice lists, fold it so that the page shows what was chosen (a list of several choices stays open).
    var chosenInSidebar = false;
    document.addEventListener("mousedown", function (event) {
        var option = event.target.closest && event.target.closest("[role=option]");
        var active = document.activeElement;
        chosenInSidebar = Boolean(option && active && active.closest && active.closest("[data-testid=stSidebar]") &&
                                  !active.closest("[data-testid=stMultiSelect]"));
    }, true);
    document.addEventListener("click", function () {
        if (!chosenInSidebar || window.innerWidth >= 768) { return; }
        chosenInSidebar = false;
        setTimeout(function () {
            var fold = document.querySelector("[data-testid=stSidebarCollapseButton] button, " +
                                              "[data-testid=stSidebar] button[aria-label='Replier la barre latérale']");
            if (fold) { fold.click(); }
        }, 300);
    }, true);

    function start() {
        fix(document.documentElement);
        observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                                    attributes: true, attributeFilter: NAMES.concat(["role"])});
    }
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
