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
 * Arriving at a slide any other way (a link to it, the overview, a slide number), an
 * animation starts at its first step. Shift+Page Down leaves the animation where it
 * is and goes to the next slide (Shift+Page Up to the previous one); a slide number
 * typed and then Enter goes to that slide. The `?` help lists these keys.
 *
 * Every widget frame on the shown slide is zoomed to fill the slide's free height
 * (at most MAX_ZOOM times), so that it reads from the back of a room; a slide
 * taller than the canvas is shrunk to fit (down to MIN_ZOOM, then it scrolls).
 */
define([], function () {
  "use strict";
  var FORWARD = ["ArrowRight", "ArrowDown", "PageDown", " ", "n", "N", "l", "L", "j", "J"];
  var BACK = ["ArrowLeft", "ArrowUp", "PageUp", "p", "P", "h", "H", "k", "K"];
  // The `?` help: reveal.js's own lines for these keys, and the book's.
  var HELP = {
    "&#8594;  ,  &#8595;  ,  SPACE  ,  N  ,  L  ,  J":
      "Next step of the animation, then the next slide (also Page Down)",
    "&#8592;  ,  &#8593;  ,  P  ,  H  ,  K":
      "Previous step of the animation, then the previous slide (also Page Up)",
    "Shift  Page Down": "Leave the animation: the next slide",
    "Shift  Page Up": "Leave the animation: the previous slide",
    "12  Enter": "Go to slide 12 (any number)",
    "Ctrl  +  click": "Zoom into a part of the slide, and back (Alt + click on Windows and macOS)"
  };
  var NUMBER_MS = 2000;  // the digits of a slide number, typed within this time of each other
  var MAX_ZOOM = 2.2;
  var MIN_ZOOM = 0.7;  // smaller text would not read from the back of a room

  // The handle of each Player's step slider on `slide`: the first slider beside a Play
  // shown (a Player's other stored settings wait, hidden, in their Stacks).
  function steppers(slide) {
    return Array.from(slide.querySelectorAll(".widget-play")).filter(function (play) {
      return play.offsetParent !== null;
    }).map(function (play) {
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
      // a zoomed frame may grow more than its share (its lines wrap differently): measure
      // the slide again and take back what runs past its bottom, so the controls stay on
      for (var tries = 0; tries < 3; tries++) {
        frames.forEach(function (frame) {
          frame.style.zoom = zoom.toFixed(3);
          var fits = share(frame, slide);  // below 1 when a line that cannot wrap runs off
          if (fits < 1) frame.style.zoom = (zoom * fits).toFixed(3);
        });
        var over = slide.scrollHeight - height;
        if (over <= 0 || zoom <= 1) break;
        zoom = Math.max(1, zoom - over / tall);
      }
    }
  }

  // Go to slide `number` (1 is the title), counting every slide in order.
  function goTo(deck, number) {
    var slide = deck.getSlides()[number - 1];
    if (!slide) return;
    var at = deck.getIndices(slide);
    deck.slide(at.h, at.v);
  }

  return {
    id: "book-players",
    init: function (deck) {
      var where = deck.getIndices(), number = "", typed = 0;
      var placed = new WeakSet();
      // Put the animations of `slide` not placed yet at their first step ("Home") or last.
      function place(slide, key) {
        steppers(slide).forEach(function (handle) {
          if (placed.has(handle)) return;
          placed.add(handle);
          press(handle, key);
        });
      }
      function leave(event, move) {
        event.preventDefault();
        event.stopImmediatePropagation();
        move();
      }
      // A focused slider (a setting, or the step slider) takes its own keys: not the deck.
      function onSlider(event) {
        return event.target.closest && event.target.closest(".noUi-handle") !== null;
      }
      deck.getRevealElement().addEventListener("keydown", function (event) {
        if (onSlider(event)) event.stopPropagation();  // reveal.js listens on the document
      });
      window.addEventListener("keydown", function (event) {
        if (!event.isTrusted || onSlider(event)) return;  // keys this plugin sends, or a slider's
        if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
        if (deck.isOverview()) return;
        if (/^[0-9]$/.test(event.key)) {
          number = (event.timeStamp - typed < NUMBER_MS ? number : "") + event.key;
          typed = event.timeStamp;
          return;
        }
        if (event.key === "Enter" && number && event.timeStamp - typed < NUMBER_MS) {
          var wanted = parseInt(number, 10);
          number = "";
          return leave(event, function () { goTo(deck, wanted); });
        }
        number = "";
        if (event.shiftKey && event.key === "PageDown") return leave(event, function () { deck.next(); });
        if (event.shiftKey && event.key === "PageUp") return leave(event, function () { deck.prev(); });
        var forward = FORWARD.indexOf(event.key) >= 0 && !(event.shiftKey && event.key === " ");
        if (!forward && BACK.indexOf(event.key) < 0 && event.key !== " ") return;
        if (!step(deck.getCurrentSlide(), forward)) return;
        event.preventDefault();
        event.stopImmediatePropagation();
      }, true);
      deck.on("slidechanged", function (event) {
        var back = event.indexh < where.h || (event.indexh === where.h && event.indexv < where.v);
        where = deck.getIndices();
        steppers(event.currentSlide).forEach(function (handle) { placed.delete(handle); });
        place(event.currentSlide, back ? "End" : "Home");
      });
      deck.on("ready", function () {
        Object.keys(HELP).forEach(function (key) {
          deck.registerKeyboardShortcut(key, HELP[key]);
        });
      });
      var pending = false;
      function refit() {
        pending = false;
        place(deck.getCurrentSlide(), "Home");  // animations that rendered after it showed
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
