/* The book's players on a page with no kernel (the static site and the decks).
 *
 * Play stops on its last step. (ipywidgets' Play pauses one tick later, so a step
 * back taken in that tick was undone by the next tick.) A Player's step slider
 * is the first slider beside its Play; when its handle reaches the end while Play
 * plays, this presses pause.
 */
(function () {
  "use strict";
  var watched = new WeakSet();

  function watch(play) {
    var handle = play.parentElement.querySelector(".widget-hslider .noUi-handle");
    if (!handle || watched.has(handle)) return;
    watched.add(handle);
    new MutationObserver(function () {
      var now = parseFloat(handle.getAttribute("aria-valuenow"));
      var last = parseFloat(handle.getAttribute("aria-valuemax"));
      var pause = play.querySelector(".fa-pause");
      if (now === last && pause) pause.parentElement.click();
    }).observe(handle, {attributes: true, attributeFilter: ["aria-valuenow"]});
  }

  var pending = false;
  new MutationObserver(function () {  // Players render, and render again for a new setting
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      document.querySelectorAll(".widget-play").forEach(watch);
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
