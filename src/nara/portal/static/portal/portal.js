/* Nara Gov24 portal behaviour. No inline script anywhere: the CSP forbids it.
   - registers the service worker (installable, offline shell);
   - re-initialises KRDS widgets inside content that htmx swapped in;
   - moves focus to an error summary when one appears. */
(function () {
  "use strict";

  // KRDS (krds.min.js) declares its widgets as top-level constants with an init().
  // Only widgets that bind to elements inside the page are re-run after a swap.
  var KRDS_WIDGETS = [
    "krds_tab",
    "krds_accordion",
    "krds_modal",
    "krds_contextualHelp",
    "krds_tooltip",
    "krds_disclosure",
    "krds_dropEvent",
    "krds_calendar",
    "krds_toggleSwitch",
    "krds_infoList",
    "krds_chkBox",
    "krds_fileUpload",
  ];

  function krdsWidget(name) {
    try {
      // Top-level `const` bindings of a classic script are shared by all classic scripts
      // but are not properties of window; this indirect lookup needs no eval.
      switch (name) {
        case "krds_tab": return typeof krds_tab === "undefined" ? null : krds_tab;
        case "krds_accordion": return typeof krds_accordion === "undefined" ? null : krds_accordion;
        case "krds_modal": return typeof krds_modal === "undefined" ? null : krds_modal;
        case "krds_contextualHelp": return typeof krds_contextualHelp === "undefined" ? null : krds_contextualHelp;
        case "krds_tooltip": return typeof krds_tooltip === "undefined" ? null : krds_tooltip;
        case "krds_disclosure": return typeof krds_disclosure === "undefined" ? null : krds_disclosure;
        case "krds_dropEvent": return typeof krds_dropEvent === "undefined" ? null : krds_dropEvent;
        case "krds_calendar": return typeof krds_calendar === "undefined" ? null : krds_calendar;
        case "krds_toggleSwitch": return typeof krds_toggleSwitch === "undefined" ? null : krds_toggleSwitch;
        case "krds_infoList": return typeof krds_infoList === "undefined" ? null : krds_infoList;
        case "krds_chkBox": return typeof krds_chkBox === "undefined" ? null : krds_chkBox;
        case "krds_fileUpload": return typeof krds_fileUpload === "undefined" ? null : krds_fileUpload;
        default: return null;
      }
    } catch (error) {
      return null;
    }
  }

  function reinitialiseKrds() {
    KRDS_WIDGETS.forEach(function (name) {
      var widget = krdsWidget(name);
      if (widget && typeof widget.init === "function") {
        try {
          widget.init();
        } catch (error) {
          if (window.console) { window.console.warn("KRDS " + name + ".init failed", error); }
        }
      }
    });
  }

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });

  // htmx 2 names the event htmx:afterSwap; htmx 4 renames it htmx:after:swap.
  // Both bubble up to the document.
  ["htmx:afterSwap", "htmx:after:swap"].forEach(function (eventName) {
    document.addEventListener(eventName, onSwap);
  });

  function onSwap(event) {
    reinitialiseKrds();
    focusErrorSummary(event.target instanceof Element ? event.target : document);
  }

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
})();
