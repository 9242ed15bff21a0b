"""How the book reads in a lecture and on a small screen: layout at several window sizes
and zooms, the dark theme's contrast, and the players driven from the keyboard.

Browser zoom is a smaller CSS viewport: 1920x1080 at 150 % lays out as 1280x720 CSS
pixels, which is how these checks set it. Used in JupyterLab, after a notebook ran.
"""

from __future__ import annotations

import time
from pathlib import Path

from browser import Failure, labelled, wait_for
from playwright.sync_api import Locator, Page

# (name for the screenshots, what a reader has, CSS viewport, file browser open,
#  whether a player with its controls must fit the notebook's visible height, the least
#  CSS px a grid cell (44 at full size) may shrink to, and the least CSS px for the
#  numbers in the cells)
LAYOUTS = (
    ("zoom150", "1920x1080 at 150 % with the file browser open", (1280, 720), True, True,
     28, 11),
    ("zoom200", "1920x1080 at 200 % with the file browser closed", (960, 540), False, True,
     28, 11),
    ("width800", "an 800 px wide window", (800, 900), False, False, 14, 0),
)
MIN_CONTRAST = 4.5  # WCAG AA for text

MEASURE = """root => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const shown = e => e.offsetParent !== null;
  const frame = Array.from(root.querySelectorAll('.cbk')).find(shown);
  const rows = frame ? Array.from(frame.querySelectorAll('.cbk-row')).filter(shown) : [];
  const stacked = rows.filter(r => {
    const kids = Array.from(r.children).filter(shown).map(box);
    return Math.max(...kids.map(k => k.top)) >= Math.min(...kids.map(k => k.bottom));
  }).length;
  const area = box(root.closest('.jp-OutputArea-output') || root);
  const svgs = frame ? Array.from(frame.querySelectorAll('svg')) : [];
  const cut = svgs.map(box).filter(s => s.left < area.left - 1 || s.right > area.right + 1);
  const scales = svgs.map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width);
  const scroller = root.closest('.jp-WindowedPanel-outer') || document.documentElement;
  const player = box(root);
  const top = frame ? box(frame).top : player.top;  // the settings above it may scroll off
  // rendered font sizes in CSS px: a cell's number is drawn at its SVG's scale
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const numbers = svgs.flatMap(s => Array.from(s.querySelectorAll('g > path ~ text'))
    .filter(t => t.textContent.trim()).map(t => px(t) * scales[svgs.indexOf(s)]));
  const largest = selector => Math.max(0, ...(frame ? Array.from(frame.querySelectorAll(selector))
    .filter(shown).map(px) : []));
  const fonts = {number: numbers.length ? Math.min(...numbers) : 0,
                 arithmetic: largest('.cbk-math > div'), caption: largest('figcaption')};
  return {rows: rows.length, stacked, cut: cut.length, scale: Math.min(...scales, 1), fonts,
          height: player.bottom - top, whole: player.bottom - player.top,
          visible: scroller.clientHeight,
          overflow: Math.max(root.scrollWidth - root.clientWidth,
                             frame ? frame.scrollWidth - frame.clientWidth : 0)};
}"""

# Every piece of text in the shown frame with its colour and what is painted behind it:
# a cell's rectangle for numbers in the grids, else the backgrounds of the page around it.
CONTRAST = """root => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const paint = colours => {
    ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, 1, 1);
    for (const c of colours) { ctx.fillStyle = '#00000000'; ctx.fillStyle = c;
                               ctx.fillRect(0, 0, 1, 1); }
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  const lum = rgb => 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const ratio = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
                            return (hi + 0.05) / (lo + 0.05); };
  const behind = el => { const out = [];
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') out.push(c); }
    return out.reverse(); };
  const frame = Array.from(root.querySelectorAll('.cbk')).find(e => e.offsetParent !== null);
  if (!frame) return [];
  const found = [];
  const add = (what, el, fg, stack) => {
    const text = (el.textContent || '').trim();
    if (text) found.push({what, text: text.slice(0, 40),
                          ratio: ratio(paint([...stack, fg]), paint(stack))});
  };
  const parts = [['.cbk-head', 'title'], ['figcaption', 'caption'], ['.cbk-op', 'sign'],
                 ['.cbk-math > div', 'arithmetic'], ['.cbk-math b', 'result'],
                 ['.cbk-math .pad', 'padding term'], ['.cbk-msg', 'message'],
                 ['.cbk-note', 'note'], ['.cbk-sum', 'sum']];
  for (const [selector, what] of parts)
    for (const el of frame.querySelectorAll(selector))
      add(what, el, getComputedStyle(el).color, behind(el));
  for (const t of frame.querySelectorAll('svg text')) {
    // a cell's number follows the path that draws its look's squares
    const square = t.parentElement.tagName === 'g' ? t.parentElement.querySelector(':scope > path')
      : null;
    const stack = behind(t.closest('svg'));
    const fill = square ? getComputedStyle(square).fill : 'none';
    if (fill !== 'none') stack.push(fill);
    add(square ? 'number in a cell' : 'index', t, getComputedStyle(t).fill, stack);
  }
  return found;
}"""


def set_file_browser(page: Page, open_: bool) -> None:
    """Open or close JupyterLab's file browser in the left sidebar."""
    panel = page.locator("#filebrowser")
    if panel.is_visible() != open_:
        page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click()
    deadline = time.monotonic() + 10
    while panel.is_visible() != open_ and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the notebook relays out


def set_theme(page: Page, name: str) -> None:
    """Pick a theme from JupyterLab's Settings > Theme menu, e.g. "JupyterLab Dark"."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=name).first.click()
    page.wait_for_function(f"() => document.body.dataset.jpThemeName === {name!r}")
    time.sleep(1)  # the theme's style sheet applies


def check_layouts(page: Page, players: list[tuple[str, str, Locator]], shots: Path) -> list[str]:
    """Each player at each of LAYOUTS: grids on one row, nothing cut off, cells and their
    numbers not too small, no number smaller than the arithmetic or a caption, and (in a
    lecture) the frame with Play and the sliders under it within the visible height (the
    settings above it may scroll off). Returns the
    problems found; saves a screenshot of each player at each layout."""
    problems = []
    size = page.viewport_size
    try:
        for key, what, (width, height), browser_open, fit, min_cell, min_number in LAYOUTS:
            page.set_viewport_size({"width": width, "height": height})
            set_file_browser(page, browser_open)
            for where, name, root in players:
                root.evaluate("e => e.scrollIntoView({block: 'start'})")
                time.sleep(0.2)
                m = root.evaluate(MEASURE)
                found = []
                if m["stacked"]:
                    found.append(f"{m['stacked']} row(s) of grids wrapped")
                if m["cut"] or m["overflow"] > 1:
                    found.append(f"{m['cut']} grid(s) cut off, {m['overflow']:.0f} px too wide")
                if m["scale"] * 44 + 0.05 < min_cell:
                    found.append(f"cells shrank to {m['scale'] * 44:.0f} px "
                                 f"(at least {min_cell} wanted)")
                found += font_problems(m["fonts"], min_number)
                if fit and m["height"] > m["visible"]:
                    found.append(f"the frame with the controls under it is {m['height']:.0f} "
                                 f"px tall in a {m['visible']} px view")
                page.screenshot(path=shots / f"{key}-{name}.png")
                fonts = m["fonts"]
                print(f"    {what}: {where}: {m['height']:.0f} of {m['visible']} px high "
                      f"({m['whole']:.0f} with its settings), "
                      f"cells {m['scale'] * 44:.0f} px, numbers {fonts['number']:.1f} px, "
                      f"arithmetic {fonts['arithmetic']:.1f} px, captions "
                      f"{fonts['caption']:.1f} px"
                      + (f"; {', '.join(found)}" if found else ""), flush=True)
                problems += [f"{where} at {what}: {f}" for f in found]
    finally:
        page.set_viewport_size(size)
        set_file_browser(page, True)
    return problems


def font_problems(fonts: dict, least: float) -> list[str]:
    """What is wrong with a frame's rendered font sizes (CSS px): its smallest number in a
    cell is below `least`, or smaller than its arithmetic or its captions."""
    found, number = [], fonts["number"]
    if number and number < least:
        found.append(f"the numbers in the cells shrank to {number:.1f} px (at least {least})")
    for what in ("arithmetic", "caption"):
        if number and number + 0.05 < fonts[what]:
            found.append(f"a number in a cell ({number:.1f} px) is smaller than the {what} "
                         f"({fonts[what]:.1f} px)")
    return found


def check_contrast(page: Page, players: list[tuple[str, str, Locator]], shots: Path,
                   theme: str) -> list[str]:
    """The text of every player's frame against what is behind it, in `theme`."""
    problems = []
    for where, name, root in players:
        root.evaluate("e => e.scrollIntoView({block: 'start'})")
        texts = root.evaluate(CONTRAST)
        low = [t for t in texts if t["ratio"] < MIN_CONTRAST]
        worst = min((t["ratio"] for t in texts), default=0)
        page.screenshot(path=shots / f"{theme.split()[-1].lower()}-{name}.png")
        print(f"    {theme}: {where}: {len(texts)} texts, lowest contrast {worst:.1f}:1",
              flush=True)
        problems += [f"{where} in {theme}: the {t['what']} {t['text']!r} has contrast "
                     f"{t['ratio']:.1f}:1 (at least {MIN_CONTRAST} wanted)" for t in low]
    return problems


def check_keyboard(page: Page, root: Locator, read_step) -> None:
    """Step buttons answer Enter and Space, the step slider the arrow keys (the player
    must stand on a step with one before and one after it)."""
    start = read_step()
    for key, button, change in (("Enter", "next step", 1), ("Space", "previous step", -1)):
        before = read_step()
        root.locator(f"button[title^='{button}']").focus()
        page.keyboard.press(key)
        wait_for(lambda b=before, c=change: read_step() == b + c, 10,
                 f"{key} on the {button} button to change the step")
    labelled(root, ".widget-hslider", "step").locator(".noUi-handle").focus()
    for key, change in (("ArrowRight", 1), ("ArrowLeft", -1)):
        before = read_step()
        page.keyboard.press(key)
        wait_for(lambda b=before, c=change: read_step() == b + c, 10,
                 f"{key} on the step slider to change the step")
    if read_step() != start:
        raise Failure(f"the keys left the player at step {read_step()}, not {start}")
