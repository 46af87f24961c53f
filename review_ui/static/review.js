// Casenote review screen: play audio from a clicked word or evidence quote, and review with the
// keyboard alone: n/p move between fields, a accepts, e edits, Ctrl+Enter saves the edit,
// Escape cancels it, s saves the note. Event delegation on document, because Gradio re-renders.
(function () {
  "use strict";
  if (window.__casenoteReview) return;
  window.__casenoteReview = true;
  var current = -1;  // -1: no field chosen yet for this note; the first key starts at the first unreviewed one

  function firstUnreviewed() {
    var all = fields();
    for (var i = 0; i < all.length; i++) if (all[i].querySelector(".cn-state-to-review")) return i;
    return 0;
  }

  // Gradio nests two elements with a group's elem_id; keep the outer one of each field.
  function fields() {
    return Array.prototype.slice.call(document.querySelectorAll(".cn-field[id^='field-']"))
      .filter(function (el) {
        var up = el.parentElement && el.parentElement.closest("[id='" + el.id + "']");
        return !up && el.offsetParent !== null;
      });
  }
  function fieldOf(node) {
    return fields().filter(function (f) { return f.contains(node); })[0] || null;
  }
  function fieldName(el) { return el.id.replace(/^field-/, ""); }
  function visible(el) { return el && el.offsetParent !== null; }

  function mark(focus) {
    var all = fields();
    if (!all.length) return null;
    current = Math.max(0, Math.min(current, all.length - 1));
    all.forEach(function (el, i) { el.classList.toggle("cn-kbd-current", i === current); });
    var el = all[current];
    if (focus !== false) el.scrollIntoView({ block: "nearest", behavior: "smooth" });
    return el;
  }

  function click(id) {
    var b = document.getElementById(id);
    if (b && !b.disabled && visible(b)) { b.click(); return true; }
    return false;
  }

  function focusEditBox(name, tries) {
    var box = document.querySelector("#edit-box-" + name + " textarea, #edit-box-" + name + " input");
    if (box && visible(box)) { box.focus(); box.select && box.select(); return; }
    if (tries > 0) setTimeout(function () { focusEditBox(name, tries - 1); }, 100);
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest && ev.target.closest("[data-t]");
    if (!t) return;
    var audio = document.getElementById("cn-audio");
    if (!audio) return;
    audio.currentTime = parseFloat(t.getAttribute("data-t")) || 0;
    var p = audio.play();
    if (p && p.catch) p.catch(function () {});
  });

  // A newly opened note starts again at its first unreviewed field.
  function resetOnOpen(ev) {
    var t = ev.target.closest && ev.target.closest("#open-note, #login-submit, #process-dictation, #login-password");
    if (t && (ev.type === "click" || ev.key === "Enter")) current = -1;
  }
  document.addEventListener("click", resetOnOpen, true);
  document.addEventListener("keydown", resetOnOpen, true);

  document.addEventListener("focusin", function (ev) {
    var f = fieldOf(ev.target);
    if (!f) return;
    var i = fields().indexOf(f);
    if (i >= 0) { current = i; mark(false); }
  });

  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    var typing = (tag === "input" || tag === "textarea" || tag === "select" || ev.target.isContentEditable) &&
      visible(ev.target);  // a box hidden since (the sign-in form) keeps focus but takes no typing
    var editor = fieldOf(ev.target);
    if (typing) {
      if (!editor) {
        if (ev.key === "Escape") ev.target.blur();  // leave a box (e.g. the password) to use the keys
        return;
      }
      var name = fieldName(editor);
      // Ctrl+Enter saves any edit; plain Enter saves a one-line edit (lists take one item a line).
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey || tag === "input")) {
        ev.preventDefault();
        if (click("save-edit-" + name)) { ev.target.blur(); current += 1; setTimeout(mark, 300); }
      } else if (ev.key === "Escape") {
        ev.preventDefault(); click("cancel-edit-" + name); ev.target.blur();
      }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var all = fields();
    if (!all.length) return;
    if (current < 0 && "npaes".indexOf(ev.key) >= 0) current = firstUnreviewed();
    var el;
    switch (ev.key) {
      case "n": current += 1; mark(); break;
      case "p": current -= 1; mark(); break;
      case "a":
        el = mark();
        if (el && click("accept-" + fieldName(el))) { current += 1; setTimeout(mark, 300); }
        break;
      case "e":
        el = mark();
        if (el && click("edit-" + fieldName(el))) { ev.preventDefault(); focusEditBox(fieldName(el), 30); }
        break;
      case "s": click("save-note"); break;
      default: return;
    }
  });
})();
