/* CAFex curation pages: keyboard shortcuts and the term pick lists. No dependencies besides htmx.
 *
 * Pages declare their keys in markup, so the help overlay and the behaviour cannot drift apart:
 *   data-key="x"          clicking this element is the action of key x (links, buttons, <details> summaries);
 *   data-key-focus="x"    key x focuses this field instead (opening any closed <details> around it);
 *   data-nav-list / data-nav-item   j/k move through the items; keys found inside the current item win.
 * Keys never fire while the user types in a field; Escape leaves the field.
 */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    return !/^(checkbox|radio|button|submit|reset|hidden|file|range|color)$/i.test(el.type);
  }

  function keyName(event) {
    var key = event.key;
    if (key === "Enter" || key === "Escape") return key;
    return key.length === 1 ? key : "";
  }

  function openDetailsAround(el) {
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  /* ---- lists navigated with j / k ---- */
  var current = null;

  // htmx may have swapped the current item for a new copy (same id): follow it rather than lose the place.
  function liveCurrent() {
    if (current && !document.contains(current)) {
      var replacement = current.id ? document.getElementById(current.id) : null;
      current = replacement && replacement.hasAttribute("data-nav-item") ? replacement : null;
      if (current) current.classList.add("current");
    }
    return current;
  }

  function navItems() {
    var list = document.querySelector("[data-nav-list]");
    return list ? Array.prototype.slice.call(list.querySelectorAll("[data-nav-item]")) : [];
  }

  function setCurrent(item) {
    if (current) current.classList.remove("current");
    current = item;
    if (!item) return;
    item.classList.add("current");
    var target = item.querySelector("[data-nav-focus]") || item;
    target.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var items = navItems();
    if (!items.length) return false;
    var index = items.indexOf(liveCurrent());
    index = index < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
    setCurrent(items[index]);
    return true;
  }

  function findBinding(key) {
    var quoted = key === '"' || key === "\\" ? "\\" + key : key;
    var selector = '[data-key="' + quoted + '"], [data-key-focus="' + quoted + '"]';
    if (liveCurrent()) {
      var inside = current.querySelector(selector);
      if (inside) return inside;
    }
    // Outside the current item only: a key must never act on a row the user has not chosen.
    var all = document.querySelectorAll(selector);
    for (var i = 0; i < all.length; i++) {
      if (!all[i].closest("[data-nav-item]") && !all[i].closest("[hidden]")) return all[i];
    }
    return null;
  }

  function activate(el, key) {
    if (el.getAttribute("data-key-focus") === key) {
      openDetailsAround(el);
      el.focus();
      if (el.select) el.select();
      return;
    }
    openDetailsAround(el.parentElement);
    el.click();
  }

  /* ---- help overlay ---- */
  function helpDialog() {
    return document.getElementById("key-help");
  }

  function toggleHelp() {
    var dialog = helpDialog();
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;

    // Ctrl+Enter (or Cmd+Enter) sends the form being typed in, from any of its fields.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = target.closest && target.closest("form[data-ctrl-enter]");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (isTyping(target)) {
      if (event.key === "Escape" && !target.closest("[data-picker]")) target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = keyName(event);
    if (!key) return;
    var dialog = helpDialog();
    if (dialog && dialog.open && key !== "?" && key !== "Escape") return;

    if (key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    if ((key === "j" || key === "k") && !findBinding(key)) {
      if (move(key === "j" ? 1 : -1)) event.preventDefault();
      return;
    }
    if (key === "Enter" || key === "Escape") return;
    var binding = findBinding(key);
    if (binding) {
      event.preventDefault();
      activate(binding, key);
    }
  });

  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("[data-nav-item]");
    if (item && item !== current) {
      if (current) current.classList.remove("current");
      current = item;
      item.classList.add("current");
    }
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  /* ---- a double click on a send button must not send twice ---- */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    // Reset after a while so a form whose response never arrived can be sent again.
    setTimeout(function () {
      delete form.dataset.sent;
    }, 8000);
  });

  // A page restored from the back/forward cache may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-sent]").forEach(function (form) {
        delete form.dataset.sent;
      });
    }
  });

  /* ---- term pick lists: type, move with the arrows, Enter picks, Backspace on empty removes ---- */
  function options(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll('[role="option"]'));
  }

  function setActive(picker, option) {
    var input = picker.querySelector("[data-picker-input]");
    options(picker).forEach(function (o) {
      o.classList.toggle("active", o === option);
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function closeList(picker) {
    var list = picker.querySelector("[data-picker-list]");
    var input = picker.querySelector("[data-picker-input]");
    list.innerHTML = "";
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function listIsCurrent(picker) {
    var first = picker.querySelector("[data-picker-list] [data-q]");
    var typed = picker.querySelector("[data-picker-input]").value.trim();
    return !!first && first.getAttribute("data-q") === typed;
  }

  function chosen(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll('input[type="hidden"][data-term]')).map(function (i) {
      return i.value;
    });
  }

  function pick(picker, option) {
    var id = option.getAttribute("data-term-id");
    var input = picker.querySelector("[data-picker-input]");
    if (chosen(picker).indexOf(id) < 0) {
      var chip = document.createElement("li");
      chip.className = "chip";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = picker.getAttribute("data-facet");
      hidden.value = id;
      hidden.setAttribute("data-term", "");
      var label = document.createElement("span");
      label.textContent = option.getAttribute("data-label");
      if (option.hasAttribute("data-proposed")) chip.classList.add("proposed");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("data-chip-remove", "");
      remove.setAttribute("aria-label", "Remove " + option.getAttribute("data-label"));
      remove.textContent = "×";
      chip.appendChild(hidden);
      chip.appendChild(label);
      chip.appendChild(remove);
      picker.querySelector("[data-chips]").appendChild(chip);
    }
    input.value = "";
    closeList(picker);
    input.focus();
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-picker-input")) return;
    var picker = input.closest("[data-picker]");
    var list = options(picker);
    var active = picker.querySelector('[role="option"].active');
    var index = list.indexOf(active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!list.length) {
        if (window.htmx) window.htmx.trigger(input, "picker:open");
        event.preventDefault();
        return;
      }
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive(picker, list[(index + step + list.length) % list.length]);
      event.preventDefault();
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      // Enter picks; it never sends the whole form from a pick list. If the list still answers an earlier,
      // shorter query, the pick waits for the answer to what is typed now, so a fast typist gets what they typed.
      event.preventDefault();
      if (!listIsCurrent(picker)) picker.setAttribute("data-pick-pending", "");
      else if (active) pick(picker, active);
    } else if (event.key === "Escape") {
      if (list.length) closeList(picker);
      else input.blur();
      event.preventDefault();
    } else if (event.key.length === 1 || event.key === "Backspace") {
      picker.removeAttribute("data-pick-pending");
      if (event.key === "Backspace" && input.value === "") {
        var chips = picker.querySelectorAll(".chip");
        if (chips.length) chips[chips.length - 1].remove();
      }
    }
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest('[data-picker] [role="option"]');
    if (option) {
      event.preventDefault();
      pick(option.closest("[data-picker]"), option);
    }
  });

  document.addEventListener("click", function (event) {
    var remove = event.target.closest && event.target.closest("[data-chip-remove]");
    if (remove) {
      var picker = remove.closest("[data-picker]");
      remove.closest(".chip").remove();
      picker.querySelector("[data-picker-input]").focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-picker-input")) return;
    var picker = input.closest("[data-picker]");
    setTimeout(function () {
      if (!picker.contains(document.activeElement)) closeList(picker);
    }, 150);
  });

  // After the settle step, not the swap: htmx re-applies the server's class attributes while settling (the pick
  // lists swap with settle:0ms, so no key press can fall between the two).
  document.addEventListener("htmx:afterSettle", function (event) {
    var list = event.detail.target;
    if (list.hasAttribute && list.hasAttribute("data-picker-list")) {
      var picker = list.closest("[data-picker]");
      var input = picker.querySelector("[data-picker-input]");
      if (document.activeElement !== input) {
        closeList(picker);
        return;
      }
      var found = options(picker);
      list.hidden = list.children.length === 0;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      setActive(picker, found[0] || null);
      // Enter pressed before the list answered had nothing highlighted to take. It takes a term named exactly what
      // was typed (the server ranks it first), or the one term found when what was typed ends where a word or
      // number of its name ends ("alox" takes ALOX15); never one whose number it cuts ("miR-2" never takes miR-21).
      if (picker.hasAttribute("data-pick-pending") && listIsCurrent(picker)) {
        picker.removeAttribute("data-pick-pending");
        var first = found[0];
        if (first && (first.hasAttribute("data-exact") || (found.length === 1 && first.hasAttribute("data-whole")))) {
          pick(picker, first);
        }
      }
    }
  });

  /* ---- "tick all" boxes and failures htmx does not swap in ---- */
  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-check-all]");
    if (!all) return;
    var name = all.getAttribute("data-check-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]:not(:disabled)').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  function flash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var list = document.createElement("ul");
    var item = document.createElement("li");
    list.className = "messages";
    item.className = "error";
    item.textContent = text;
    list.appendChild(item);
    region.replaceChildren(list);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : "";
    if (status === 404) flash("That is gone: someone may have deleted it meanwhile. Reload the page.");
    else flash("The server could not do that (error " + status + "). Nothing on this page was lost; try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("No answer from the server: check the connection and try again.");
  });

  // One place for messages: a message swapped into #flash replaces those the page was loaded with.
  function dropLoadedMessages(event) {
    if (event.detail.target && event.detail.target.id === "flash") {
      document.querySelectorAll("main > .messages").forEach(function (old) {
        old.remove();
      });
    }
  }
  document.addEventListener("htmx:oobAfterSwap", dropLoadedMessages);
  document.addEventListener("htmx:afterSwap", dropLoadedMessages);

  /* ---- screening from the queue: decision keys on the current row or on every ticked row ----
   *   i in scope · o then 1–6 out of scope with that reason · u undecided · a abstract · n next undecided
   *   Space / x tick · Shift+j / Shift+k tick a run · Esc close the reasons, then untick everything.
   * After a decision the current row moves to the next undecided one at once (the answer swaps the decided
   * row in place later), unless the curator switched that off; the choice is remembered in this browser. */
  var AUTO_ADVANCE = "cafex.queue.autoAdvance";

  function queueList() {
    return document.querySelector("[data-nav-list][data-next-undecided]");
  }

  function autoAdvance() {
    var box = document.querySelector("[data-auto-advance]");
    return !box || box.checked;
  }

  function ticked() {
    var list = queueList();
    return list ? Array.prototype.slice.call(list.querySelectorAll("[data-select]:checked")) : [];
  }

  function showTicked() {
    var count = document.querySelector("[data-selected-count]");
    if (count) count.textContent = ticked().length + " ticked";
    var bar = document.querySelector("[data-bulk]");
    if (bar) bar.classList.toggle("active", ticked().length > 0);
  }

  function undecidedAfter(row, wrap) {
    var items = navItems();
    var start = items.indexOf(row) + 1;
    var order = items.slice(start).concat(wrap ? items.slice(0, start) : []);
    for (var i = 0; i < order.length; i++) {
      if (order[i] !== row && order[i].getAttribute("data-decision") === "undecided" && !order[i].hasAttribute("data-pending")) {
        return order[i];
      }
    }
    return null;
  }

  function nextUndecided() {
    var found = undecidedAfter(liveCurrent(), true);
    if (found) {
      setCurrent(found);
      return;
    }
    // None left on this page: the server knows the rest of the queue.
    var list = queueList();
    var url = list.getAttribute("data-next-undecided");
    var row = liveCurrent();
    var after = row ? row.id.replace("citation-", "") : "";
    window.location.href = url + (url.indexOf("?") < 0 ? "?" : "&") + "after=" + encodeURIComponent(after);
  }

  // The form keys act on: the bar of the ticked rows, or the current row's own.
  function decideForm() {
    if (ticked().length) return document.querySelector("[data-bulk]");
    var row = liveCurrent();
    return row ? row.querySelector("[data-decide-form]") : null;
  }

  function openReasons(form, open) {
    var reasons = form.querySelector("[data-reasons]");
    if (!reasons) return;
    reasons.hidden = !open;
    var toggle = form.querySelector("[data-reasons-open]");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // The form whose reasons are showing: the one keys act on now, never a row still waiting for its answer.
  function reasonsOpen() {
    var form = decideForm();
    var reasons = form && form.querySelector("[data-reasons]");
    return reasons && !reasons.hidden ? form : null;
  }

  function tick(row, value) {
    var box = row && row.querySelector("[data-select]");
    if (!box) return;
    box.checked = value === undefined ? !box.checked : value;
    showTicked();
  }

  document.addEventListener(
    "keydown",
    function (event) {
      var list = queueList();
      if (!list || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      var dialog = helpDialog();
      if (dialog && dialog.open) return;
      var key = event.key;
      var handled = true;
      var open = reasonsOpen();
      if (open && /^[1-9]$/.test(key)) {
        var reason = open.querySelector('[data-reason-key="' + key + '"]');
        if (reason) reason.click();
      } else if (key === "Escape" && open) {
        openReasons(open, false);
      } else if (key === "Escape" && ticked().length) {
        ticked().forEach(function (box) {
          box.checked = false;
        });
        showTicked();
      } else if (key === "i" || key === "u") {
        var form = decideForm();
        var button = form && form.querySelector('[data-decide="' + (key === "i" ? "in_scope" : "undecided") + '"]');
        if (button) button.click();
        else handled = false;
      } else if (key === "o") {
        var target = decideForm();
        if (target) openReasons(target, true);
        else handled = false;
      } else if (key === "n") {
        nextUndecided();
      } else if (key === "a") {
        var abstract = liveCurrent() && liveCurrent().querySelector("[data-abstract]");
        if (abstract) abstract.open = !abstract.open;
        else handled = false;
      } else if (key === " " || key === "x") {
        tick(liveCurrent());
      } else if (key === "J" || key === "K") {
        if (!liveCurrent()) move(key === "J" ? 1 : -1);
        tick(liveCurrent(), true);
        move(key === "J" ? 1 : -1);
        tick(liveCurrent(), true);
      } else {
        handled = false;
      }
      if (handled) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  // A decision button (by key or by mouse): fill in the reason, and move on before the answer arrives.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-reasons-open]");
    if (opener) {
      var form = opener.closest("[data-decide-form]");
      openReasons(form, form.querySelector("[data-reasons]").hidden);
      return;
    }
    var button = event.target.closest && event.target.closest("[data-decide-form] button[name=decision]");
    if (!button) return;
    var decideFormEl = button.closest("[data-decide-form]");
    decideFormEl.querySelector("[data-reason-input]").value = button.getAttribute("data-reason") || "";
    openReasons(decideFormEl, false);
    var rows = decideFormEl.hasAttribute("data-bulk")
      ? ticked().map(function (box) {
          return box.closest("[data-nav-item]");
        })
      : [decideFormEl.closest("[data-nav-item]")];
    rows.forEach(function (row) {
      if (row) row.setAttribute("data-pending", "");
    });
    var from = liveCurrent() || rows[0];
    if (autoAdvance() && from) {
      var next = undecidedAfter(from, false);
      if (next) setCurrent(next);
    }
  });

  // Shift+click on a tick box ticks the run from the last one clicked.
  var lastTicked = null;
  document.addEventListener("click", function (event) {
    var box = event.target.closest && event.target.closest("[data-select]");
    if (!box) return;
    if (event.shiftKey && lastTicked && document.contains(lastTicked)) {
      var boxes = Array.prototype.slice.call(queueList().querySelectorAll("[data-select]"));
      var a = boxes.indexOf(lastTicked);
      var b = boxes.indexOf(box);
      boxes.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (each) {
        each.checked = box.checked;
      });
    }
    lastTicked = box;
    showTicked();
  });

  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-auto-advance")) {
      try {
        window.localStorage.setItem(AUTO_ADVANCE, event.target.checked ? "on" : "off");
      } catch (e) {
        /* storage refused: the switch still works for this page */
      }
    }
  });

  function queueReady() {
    var box = document.querySelector("[data-auto-advance]");
    if (box) {
      try {
        box.checked = window.localStorage.getItem(AUTO_ADVANCE) !== "off";
      } catch (e) {
        box.checked = true;
      }
    }
    // Arriving at a given citation (from "n" on an earlier page): make it the current row.
    var match = /^#citation-\d+$/.test(window.location.hash) && document.querySelector(window.location.hash);
    if (match && match.hasAttribute("data-nav-item")) setCurrent(match);
    showTicked();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", queueReady);
  else queueReady();

  // After the filters swapped a new list in: nothing is ticked any more, and the switch keeps its setting.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "queue-results") queueReady();
    else showTicked();
  });

  /* ---- proposing a missing term from the workspace ---- */
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-propose-open]");
    if (!opener) return;
    var dialog = document.getElementById("propose-term");
    if (!dialog) return;
    event.preventDefault();
    var form = dialog.querySelector("form");
    form.reset();
    var picker = opener.closest("[data-picker]");
    var facet = opener.getAttribute("data-facet") || (picker && picker.getAttribute("data-facet"));
    if (facet) form.querySelector("[name=facet]").value = facet;
    form.querySelector("[name=label]").value = opener.getAttribute("data-label") || "";
    dialog.showModal();
    form.querySelector(facet ? "[name=label]" : "[name=facet]").focus();
  });
  // Keep the focus in the pick list while the mouse goes to its "propose" line, or the list closes under it.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-picker] [data-propose-open]")) event.preventDefault();
  });

  // A refused decision leaves its rows in place: they count as undecided again for "next undecided".
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.hasAttribute || !elt.hasAttribute("data-decide-form")) return;
    document.querySelectorAll("[data-nav-item][data-pending]").forEach(function (row) {
      row.removeAttribute("data-pending");
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-propose-form") || !event.detail.successful) return;
    var facet = form.querySelector("[name=facet]").value;
    form.closest("dialog").close();
    var input = document.getElementById("pick-" + facet);
    if (input) {
      input.value = "";
      input.focus();
    }
  });

  // A page that swapped in new content keeps its current item only if it is still there.
  document.addEventListener("htmx:afterSettle", function () {
    var before = current;
    if (liveCurrent() && liveCurrent() !== before) setCurrent(current);
  });
})();
