/* The book's reveal.js plugin: presenter keys step animations, and frames fill the slide.
 *
 * On a slide that shows a Player, the keys that go forward (Right, Down, Page Down,
 * Space, N) first step its animation, and move to the next slide after its last step,
 * as reveal.js does with fragments; the keys that go back (Left, Up, Page Up, P) step
 * it back the same way. Arriving forwards, an animation starts at its first step;
 * arriving backwards, at its last. A Player's frames are stored in the page, its step
 * slider linked to Play and to the frame stack, so the plugin moves that slider as
 * the slider's own arrow keys do: no kernel is needed.
 *
 * Every widget frame on the shown slide is zoomed to fill the slide's free height
 * (at most MAX_ZOOM times), so that it reads from the back of a room; a slide
 * taller than the canvas is shrunk to fit (down to MIN_ZOOM, then it scrolls).
 */
define([], function () {
  "use strict";
  var FORWARD = ["ArrowRight", "ArrowDown", "PageDown", " ", "n", "N"];
  var BACK = ["ArrowLeft", "ArrowUp", "PageUp", "p", "P"];
  var MAX_ZOOM = 2.2;
  var MIN_ZOOM = 0.7;  // smaller text would not read from the back of a room

  // The handle of each Player's step slider on `slide`: the first slider beside a Play.
  function steppers(slide) {
    return Array.from(slide.querySelectorAll(".widget-play")).map(function (play) {
      return play.parentElement.querySelector(".widget-hslider .noUi-handle");
    }).filter(function (handle) { return handle !== null; });
  }

  function at(handle, name) {
    return Math.round(parseFloat(handle.getAttribute(name)));
  }

  // Send `key` to the slider handle alone (not bubbling: reveal.js must not see it).
  function press(handle, key) {
    var before = at(handle, "aria-valuenow");
    handle.dispatchEvent(new KeyboardEvent("keydown", {key: key, cancelable: true}));
    return at(handle, "aria-valuenow") !== before;
  }

  // Step the first Player that can still go `forward` (or back); false when none can.
  function step(slide, forward) {
    var handles = steppers(slide);
    if (!forward) handles.reverse();
    return handles.some(function (handle) {
      var now = at(handle, "aria-valuenow");
      var end = forward ? at(handle, "aria-valuemax") : at(handle, "aria-valuemin");
      return now !== end && press(handle, forward ? "ArrowRight" : "ArrowLeft");
    });
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  // The share of the content of `frame` that lies left of the right edge of `slide`.
  function share(frame, slide) {
    var range = document.createRange();
    range.selectNodeContents(frame);
    var box = range.getBoundingClientRect(), edge = slide.getBoundingClientRect().right;
    return box.right > edge ? (edge - box.left) / box.width : 1;
  }

  // Zoom the widget frames on `slide` to fill its free height; shrink a slide that overflows.
  function fit(slide, height) {
    var frames = Array.from(slide.querySelectorAll(".cbk")).filter(function (frame) {
      return frame.offsetParent !== null;
    });
    slide.style.zoom = slide.style.height = slide.style.overflowY = "";
    frames.forEach(function (frame) { frame.style.zoom = ""; });
    var free = height - slide.scrollHeight;
    if (free < 0) {
      var shrink = Math.max(MIN_ZOOM, height / slide.scrollHeight);
      slide.style.zoom = shrink.toFixed(3);
      if (shrink === MIN_ZOOM) {  // still too tall: it scrolls (mouse wheel)
        slide.style.height = (height / MIN_ZOOM) + "px";
        slide.style.overflowY = "auto";
      }
    } else if (frames.length) {
      var tall = frames.reduce(function (sum, frame) { return sum + frame.offsetHeight; }, 0);
      var zoom = Math.min(MAX_ZOOM, 1 + 0.95 * free / tall);
      frames.forEach(function (frame) {
        frame.style.zoom = zoom.toFixed(3);
        var fits = share(frame, slide);  // below 1 when a line that cannot wrap runs off
        if (fits < 1) frame.style.zoom = (zoom * fits).toFixed(3);
      });
    }
  }

  return {
    id: "book-players",
    init: function (deck) {
      var where = deck.getIndices();
      window.addEventListener("keydown", function (event) {
        var forward = FORWARD.indexOf(event.key) >= 0;
        if (!event.isTrusted) return;  // the keys this plugin sends to a slider
        if (!forward && BACK.indexOf(event.key) < 0) return;
        if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
        if (deck.isOverview() || !step(deck.getCurrentSlide(), forward)) return;
        event.preventDefault();
        event.stopImmediatePropagation();
      }, true);
      deck.on("slidechanged", function (event) {
        var back = event.indexh < where.h || (event.indexh === where.h && event.indexv < where.v);
        where = deck.getIndices();
        steppers(event.currentSlide).forEach(function (handle) {
          press(handle, back ? "End" : "Home");
        });
      });
      var pending = false;
      function refit() {
        pending = false;
        fit(deck.getCurrentSlide(), deck.getConfig().height);
      }
      new MutationObserver(function () {  // widgets render, frames change: fit again
        if (!pending) requestAnimationFrame(refit);
        pending = true;
      }).observe(deck.getSlidesElement(), {childList: true, subtree: true});
      deck.on("ready", refit);
      deck.on("slidechanged", refit);
    }
  };
});
