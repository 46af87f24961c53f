// Casenote review screen: play audio from a clicked (or keyboard-chosen) word or evidence quote, and
// review with the keyboard alone: n/p move between fields, a accepts, e edits, Ctrl+Enter saves the
// edit, Escape cancels it, s saves the note. Event delegation on document, because Gradio re-renders.
//
// Safety: a shortcut acts only while focus is on the review surface (the fields and transcript of
// the open note), never while a text box has focus and not for QUIET_MS after one lost it, so
// typing can never turn into an accept. Saving an edit never moves focus out of the box itself: only
// when the server took the edit (the editor closes) does focus go back to the surface.
(function () {
  "use strict";
  if (window.__casenoteReview) return;
  window.__casenoteReview = true;
  var QUIET_MS = 1500;
  var current = -1;       // -1: no field chosen yet for this note
  var textLeftAt = 0;     // when a text box last had focus or a key (0: never, or handed back by us)
  var openNote = null;    // data-note of the progress line: a new value means a newly opened note

  function isTextBox(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  function visible(el) { return el && el.offsetParent !== null; }
  function surface() { return document.querySelector("#review-panel"); }
  function onSurface(el) { var s = surface(); return !!(s && el && el !== document.body && s.contains(el)); }

  // Gradio nests two elements with a group's elem_id; keep the outer one of each field.
  function fields() {
    return Array.prototype.slice.call(document.querySelectorAll(".cn-field[id^='field-']"))
      .filter(function (el) {
        var up = el.parentElement && el.parentElement.closest("[id='" + el.id + "']");
        return !up && visible(el);
      });
  }
  function fieldOf(node) { return fields().filter(function (f) { return f.contains(node); })[0] || null; }
  function fieldName(el) { return el.id.replace(/^field-/, ""); }
  function firstUnreviewed() {
    var all = fields();
    for (var i = 0; i < all.length; i++) if (!all[i].querySelector(".cn-state-accepted, .cn-state-edited")) return i;
    return 0;
  }
  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > 0 && r.top < (window.innerHeight || document.documentElement.clientHeight);
  }

  function mark(focus) {
    var all = fields();
    if (!all.length) return null;
    current = Math.max(0, Math.min(current, all.length - 1));
    all.forEach(function (el, i) {
      el.classList.toggle("cn-kbd-current", i === current);
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
      el.setAttribute("aria-label", "Field " + (el.querySelector(".cn-field-name") || {}).textContent);
    });
    var el = all[current];
    el.scrollIntoView({ block: "nearest" });
    if (focus !== false) el.focus({ preventScroll: true });
    return el;
  }

  function click(id) {
    var b = document.getElementById(id);
    if (b && !b.disabled && visible(b)) { b.click(); return true; }
    return false;
  }

  function focusEditBox(name, tries) {
    var box = document.querySelector("#edit-box-" + name + " textarea, #edit-box-" + name + " input");
    if (box && visible(box)) { box.focus(); if (box.select) box.select(); return; }
    if (tries > 0) setTimeout(function () { focusEditBox(name, tries - 1); }, 100);
  }

  // After Save edit: when the editor closes (the server took the edit), hand focus back to the
  // surface on the next field; if it stays open (refused), the box keeps focus and the typing.
  function afterSave(name, box, tries) {
    var editor = box && box.closest(".cn-editor");
    if (editor && !visible(editor)) {
      current = fields().map(fieldName).indexOf(name) + 1;
      mark();          // moving focus may fire the box's focusout: hand back afterwards
      textLeftAt = 0;
      return;
    }
    if (tries > 0) setTimeout(function () { afterSave(name, box, tries - 1); }, 100);
  }

  function play(t) {
    var audio = document.getElementById("cn-audio");
    if (!audio) return;
    audio.currentTime = parseFloat(t.getAttribute("data-t")) || 0;
    var p = audio.play();
    if (p && p.catch) p.catch(function () {});
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest && ev.target.closest("[data-t]");
    if (t) play(t);
  });

  // Words are reachable by keyboard: Tab into the transcript, arrows move between words, Enter plays.
  function transcriptKeys(ev) {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.hasAttribute && ev.target.hasAttribute("data-t")) {
      play(ev.target); ev.preventDefault(); return true;
    }
    var box = ev.target.closest && ev.target.closest(".cn-transcript");
    if (!box) return false;
    var words = Array.prototype.slice.call(box.querySelectorAll("[data-t]"));
    if (!words.length) return false;
    var i = words.indexOf(ev.target);
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      i = ev.key === "ArrowRight" ? Math.min(words.length - 1, i + 1) : Math.max(0, i - 1);
      words[i].setAttribute("tabindex", "-1");
      words[i].focus();
      ev.preventDefault();
      return true;
    }
    if ((ev.key === "Enter" || ev.key === " ") && i >= 0) { play(words[i]); ev.preventDefault(); return true; }
    return false;
  }

  document.addEventListener("focusin", function (ev) {
    if (isTextBox(ev.target)) { textLeftAt = Date.now(); return; }
    var f = fieldOf(ev.target);
    if (f) { current = fields().indexOf(f); mark(false); }
  });
  document.addEventListener("focusout", function (ev) { if (isTextBox(ev.target)) textLeftAt = Date.now(); });

  // A newly opened note: start at its first unreviewed field, with focus on the surface, unless
  // the person is (or just was) typing somewhere.
  setInterval(function () {
    var p = document.querySelector("#review-progress .cn-progress");
    var id = p ? p.getAttribute("data-note") : null;
    if (!id || id === openNote) return;
    openNote = id;
    current = firstUnreviewed();
    var t = document.querySelector(".cn-transcript");
    if (t) { t.setAttribute("tabindex", "0"); t.setAttribute("aria-label", "Transcript: arrow keys move between words, Enter plays from a word"); }
    var a = document.activeElement;
    if ((!a || a === document.body || !visible(a)) && Date.now() - textLeftAt > QUIET_MS) mark();
  }, 200);

  function editorKeys(ev, editor) {
    var name = fieldName(editor);
    var tag = ev.target.tagName.toLowerCase();
    // Ctrl+Enter saves any edit; plain Enter saves a one-line edit (lists take one item a line).
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey || tag === "input")) {
      ev.preventDefault();
      if (click("save-edit-" + name)) afterSave(name, ev.target, 100);
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      click("cancel-edit-" + name);
      mark();
      textLeftAt = 0;
    }
  }

  document.addEventListener("keydown", function (ev) {
    if (isTextBox(ev.target)) {
      textLeftAt = Date.now();
      var editor = fieldOf(ev.target);
      if (editor && visible(ev.target)) editorKeys(ev, editor);
      else if (ev.key === "Escape") ev.target.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (transcriptKeys(ev)) return;
    if ("npaes".indexOf(ev.key) < 0 || ev.key.length !== 1) return;
    // The gate: only on the review surface, and never straight after a text box.
    if (!onSurface(document.activeElement) || Date.now() - textLeftAt < QUIET_MS) return;
    if (!fields().length) return;
    var fresh = current < 0;
    if (fresh) current = firstUnreviewed();
    var el;
    switch (ev.key) {
      case "n": current += fresh ? 0 : 1; mark(); break;
      case "p": current -= fresh ? 0 : 1; mark(); break;
      case "a":
        el = mark();
        // Accept only a field that was already chosen and is on screen: never one not yet shown.
        if (!fresh && el && inView(el) && click("accept-" + fieldName(el))) {
          current += 1;
          setTimeout(mark, 300);
        }
        break;
      case "e":
        el = mark();
        if (el && click("edit-" + fieldName(el))) { ev.preventDefault(); focusEditBox(fieldName(el), 30); }
        break;
      case "s": click("save-note"); break;
    }
  });
})();
