/* Names for the stored widgets' controls, for screen readers and voice control.
 *
 * html-manager draws a Player's Play, Pause, Stop and Repeat buttons as icons alone,
 * and a slider's handle (role=slider) without tying it to the slider's label, so
 * neither has an accessible name. Each button is named after its icon, kept in step
 * if the icon changes (an observer on the icon's class alone: one on the button's
 * subtree would see its own writes), and each handle after its slider's label.
 * Loaded by the site's pages and the decks (tools/build_site.py, tools/build_slides.py).
 */
(function () {
  "use strict";
  var ICONS = {"fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop", "fa-retweet": "Repeat"};

  function set(element, name) {
    if (name && element.getAttribute("aria-label") !== name) element.setAttribute("aria-label", name);
  }

  function nameButton(button, icon) {
    var names = Object.keys(ICONS).filter(function (c) { return icon.classList.contains(c); });
    set(button, ICONS[names[0]]);
  }

  function nameControls(root) {
    root.querySelectorAll(".widget-play button").forEach(function (button) {
      var icon = button.querySelector("i.fa");
      if (!icon || button.dataset.bookNamed) return;
      button.dataset.bookNamed = "1";
      nameButton(button, icon);
      new MutationObserver(function () { nameButton(button, icon); })
        .observe(icon, {attributes: true, attributeFilter: ["class"]});
    });
    root.querySelectorAll(".widget-slider .noUi-handle").forEach(function (handle) {
      var label = handle.closest(".widget-slider").querySelector(".widget-label");
      set(handle, label && label.textContent.trim());
    });
  }

  // Widgets render after the page loads (and a deck's slides later still).
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE) nameControls(node);
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
