// Prose fields as text, not code: each text area of the form becomes an editor where a figure
// reference is one unit showing the number it prints (its name, source and as-of on hover, on
// selection, or with the caret beside it), inserted from a picker, removed whole; bold, italic and
// links come from buttons and Ctrl+B, Ctrl+I, Ctrl+K. What is typed is written back, as the record's
// own text (the reference's exact text, **bold**, *italic*, [links](…)), into the hidden text area
// the form posts; a field not edited is never written again. The units come from the server
// (pipeline/workspace/units.py), the figures from figurechoices.py.
(function () {
  "use strict";
  var SCHEMES = /^(https?:\/\/|mailto:)\S+$/i;
  var SHOWN = 100;  // figures listed in the picker at once

  var read = {from: null, figures: null};
  function catalogue() {  // read once each time the form is drawn
    var data = document.getElementById("sheet-figure-list");
    if (data !== read.from) read = {from: data, figures: data ? JSON.parse(data.textContent) : {refs: {}, choices: []}};
    return read.figures;
  }
  function folded(ref) { return ref.trim().split(/\s+/).join(" "); }
  function info(ref) { return catalogue().refs[folded(ref)] || null; }
  function say(text) {  // one live region for what keyboard and screen-reader users must hear
    var live = document.getElementById("richtext-said");
    if (!live) {
      live = document.createElement("p");
      live.id = "richtext-said";
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }
  function details(f) {
    return f.label + ": " + (f.printed === null ? "cannot be worked out now (see the preview)" : f.printed +
      (f.unit && !/^(usd|%)$/i.test(f.unit) ? " " + f.unit : "")) + ". " + (f.source ? "Source: " + f.source + ". " : "") +
      (f.as_of ? "As of " + f.as_of + ". " : "") + "From " + f.where + ".";
  }

  // --- record text to the editor, and back ----------------------------------------------------

  function chip(ref, known) {
    var f = known || info(ref), span = document.createElement("span");
    span.className = "figure-chip" + (f && f.printed !== null ? "" : " unknown");
    span.contentEditable = "false";
    span.dataset.ref = ref;
    span.setAttribute("role", "img");
    span.textContent = f && f.printed !== null ? f.printed : "[" + (f ? f.label : folded(ref).slice(2, -2).trim()) + "]";
    span.setAttribute("aria-label", span.textContent + " (figure: " + (f ? f.label : "not known") + ")");
    return span;
  }
  // A line break inside a paragraph (the record's lines are ~90 characters) reads as the space the
  // sheet prints: it is kept as it is, in a span that wraps like prose. A blank line stays one.
  function softBreak() {
    var soft = document.createElement("span");
    soft.className = "soft-break";
    soft.textContent = "\n";
    return soft;
  }
  function build(units, into) {
    units.forEach(function (u) {
      if (u[0] === "t") into.appendChild(document.createTextNode(u[1]));
      else if (u[0] === "s") into.appendChild(softBreak());
      else if (u[0] === "f") into.appendChild(chip(u[1]));
      else {
        var el = document.createElement(u[0] === "b" ? "strong" : u[0] === "i" ? "em" : "a");
        if (u[0] === "a") el.setAttribute("href", u[1]);
        build(u[0] === "a" ? u[2] : u[1], el);
        into.appendChild(el);
      }
    });
  }

  // The editor's content as the record writes it. Each bold, italic or link element writes its marks
  // around what it holds, so an editor drawn from a record's units writes back exactly that text.
  // The browser's own bold and italic may put spaces at a mark's edge, where the sheet would print
  // the stars as they are: those spaces go outside the mark, and an empty mark is left out.
  function kind(el) {
    var tag = el.tagName, weight = el.style.fontWeight;
    if (tag === "B" || tag === "STRONG" || (tag === "SPAN" && /^(bold|bolder|[6-9]00)$/.test(weight))) return "b";
    if (tag === "I" || tag === "EM" || (tag === "SPAN" && el.style.fontStyle === "italic")) return "i";
    if (tag === "A" && el.getAttribute("href")) return "a";
    return null;
  }
  function serialise(node) {
    var out = "";
    node.childNodes.forEach(function (n) {
      if (n.nodeType === 3) { out += n.data.replace(/\u200b/g, ""); return; }
      if (n.nodeType !== 1) return;
      if (n.classList.contains("figure-chip")) { out += n.dataset.ref; return; }
      if (n.tagName === "BR") { if (!n.classList.contains("end")) out += "\n"; return; }
      if ((n.tagName === "DIV" || n.tagName === "P") && out) out += "\n";
      var inner = serialise(n), mark = kind(n);
      if (mark === "a") { out += "[" + inner + "](" + n.getAttribute("href") + ")"; return; }
      if (!mark) { out += inner; return; }
      var stars = mark === "b" ? "**" : "*", lead = /^\s*/.exec(inner)[0], core = inner.slice(lead.length);
      var trail = /\s*$/.exec(core)[0];
      core = core.slice(0, core.length - trail.length);
      out += core ? lead + stars + core + stars + trail : inner;
    });
    return out;
  }
  // The plain text of the editor, figures left out (where a typed number is looked for).
  function typedText(node) {
    var out = "";
    node.childNodes.forEach(function (n) {
      if (n.nodeType === 3) out += n.data;
      else if (n.nodeType === 1 && !n.classList.contains("figure-chip")) out += n.tagName === "BR" ? "\n" : typedText(n);
      else out += " ";
    });
    return out;
  }
  window.richtextSerialise = serialise;  // for the tests: the editor's text as the record holds it
  window.richtextRoundTrip = function (units) {  // for the tests: units drawn, then written back
    var box = document.createElement("div");
    build(units, box);
    box.appendChild(end());
    return serialise(box);
  };

  // --- one editor per prose text area --------------------------------------------------------

  function upgrade(area) {
    if (area.dataset.upgraded) return;
    area.dataset.upgraded = "1";
    var id = area.id, label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
    var editor = document.createElement("div"), tip = document.createElement("div");
    var single = !!area.dataset.single;  // a title, heading or table cell holding a figure: one line, no marks
    editor.className = "richtext-box" + (single ? " single" : "");
    editor.single = single;
    editor.contentEditable = "true";
    editor.spellcheck = true;
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", single ? "false" : "true");
    if (area.getAttribute("aria-required")) editor.setAttribute("aria-required", "true");
    build(JSON.parse(area.dataset.units), editor);
    editor.appendChild(end());
    area.id = id + "-record";
    editor.id = id;  // the form's links and focus find the field by this id
    tip.className = "figure-tip";
    tip.id = id + "-tip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    if (label) {
      label.id = label.id || id + "-label";
      label.htmlFor = area.id;
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function (event) { event.preventDefault(); editor.focus(); });
    } else if (area.getAttribute("aria-label")) {
      editor.setAttribute("aria-label", area.getAttribute("aria-label"));
    }
    editor.setAttribute("aria-describedby", tip.id);
    var box = document.createElement("div");
    box.className = "richtext";
    box.appendChild(toolbar(editor, label ? label.textContent.replace("*", "").trim() : area.getAttribute("aria-label") || "text", single));
    box.appendChild(editor);
    box.appendChild(tip);
    area.hidden = true;
    area.parentNode.insertBefore(box, area);
    editor.record = area;
    editor.select = function () { selectAll(editor); };  // a new entry's placeholder: typed over
    editor.used = refsIn(editor);  // the figures it used when drawn
    wire(editor, area, tip);
  }
  function end() { var br = document.createElement("br"); br.className = "end"; return br; }
  function selectAll(editor) {
    var range = document.createRange();
    range.selectNodeContents(editor);
    if (editor.lastChild && editor.lastChild.classList && editor.lastChild.classList.contains("end")) range.setEndBefore(editor.lastChild);
    var sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function toolbar(editor, name, single) {
    var bar = document.createElement("div");
    bar.className = "richtext-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Format " + name);
    [["Bold", "Ctrl+B", function () { document.execCommand("bold"); }],
     ["Italic", "Ctrl+I", function () { document.execCommand("italic"); }],
     ["Link…", "Ctrl+K", function () { linkDialog(editor); }],
     ["Insert figure…", "", function () { picker(editor); }]].slice(single ? 3 : 0).forEach(function (b, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small richtext-" + b[0].replace(/\W.*/, "").toLowerCase();
      button.textContent = b[0];
      if (b[1]) button.setAttribute("aria-keyshortcuts", b[1].replace("Ctrl", "Control"));
      button.title = b[1] ? b[0].replace("…", "") + " (" + b[1] + ")" : "Insert a figure from this sheet or the shared figures";
      button.tabIndex = i ? -1 : 0;  // one Tab stop for the toolbar; arrow keys move along it
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      button.addEventListener("click", function () { restore(editor); b[2](); });
      bar.appendChild(button);
    });
    bar.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      var buttons = Array.from(bar.querySelectorAll("button")), at = buttons.indexOf(document.activeElement);
      var next = buttons[(at + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
      buttons.forEach(function (b) { b.tabIndex = b === next ? 0 : -1; });
      next.focus();
      event.preventDefault();
    });
    return bar;
  }

  // The selection in each editor, kept when the focus leaves it (for the toolbar and the dialogs).
  function keep(editor) {
    var sel = getSelection();
    if (sel.rangeCount && editor.contains(sel.getRangeAt(0).commonAncestorContainer)) editor.kept = sel.getRangeAt(0).cloneRange();
  }
  function restore(editor) {
    editor.focus();
    if (!editor.kept) return;
    var sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(editor.kept);
  }

  function wire(editor, area, tip) {
    var written = area.value;
    function changed() {
      var text = serialise(editor);
      if (text === written) return;
      written = text;
      area.value = text;
      area.dispatchEvent(new Event("keyup"));  // the form's usual pause, then the field is written
      offers(editor);
    }
    var focused = written;
    editor.addEventListener("input", function (event) {
      if (event.inputType === "formatBold" || event.inputType === "formatItalic") marked(editor, event.inputType === "formatBold");
      changed();
    });
    editor.addEventListener("focus", function () { focused = written; });
    editor.addEventListener("blur", function () {  // as a text area's change: only when it was edited
      keep(editor);
      hideTip(tip);
      if (written !== focused) area.dispatchEvent(new Event("change"));
    });
    editor.addEventListener("beforeinput", function (event) {
      var type = event.inputType;
      if (type === "insertParagraph" || type === "insertLineBreak") {  // the record's line break, not a <div>
        event.preventDefault();
        if (!editor.single) insertText("\n");  // one line: Enter adds nothing
      } else if (/^format/.test(type) && (editor.single || (type !== "formatBold" && type !== "formatItalic"))) {
        event.preventDefault();  // underline, colours, fonts: nothing the sheets print
      } else if (type === "insertFromDrop") {
        event.preventDefault();
      }
    });
    editor.addEventListener("paste", function (event) {  // text only: a pasted page's look is not kept
      event.preventDefault();
      var pasted = (event.clipboardData || window.clipboardData).getData("text/plain").replace(/\r\n?/g, "\n");
      insertText(editor.single ? pasted.replace(/\s*\n\s*/g, " ") : pasted);
    });
    editor.addEventListener("keydown", function (event) {
      var ctrl = event.ctrlKey || event.metaKey;
      if (ctrl && (event.key === "k" || event.key === "K")) {
        event.preventDefault();
        if (!editor.single) { keep(editor); linkDialog(editor); }  // one line prints no links
        return;
      }
      if (ctrl && (event.key === "u" || event.key === "U")) { event.preventDefault(); return; }
      if ((event.key === "Backspace" || event.key === "Delete") && !ctrl) {
        var found = beside(editor, event.key === "Backspace" ? -1 : 1);
        if (found) { event.preventDefault(); removeChip(editor, found); }
      }
    });
    editor.addEventListener("click", function (event) {
      var found = event.target.closest(".figure-chip");
      if (!found) return;
      var range = document.createRange();  // a click selects the whole figure: typing replaces it whole
      range.selectNode(found);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      showTip(tip, found);
    });
    editor.addEventListener("mouseover", function (event) {
      var found = event.target.closest(".figure-chip");
      if (found) showTip(tip, found);
    });
    editor.addEventListener("mouseout", function (event) {
      if (event.target.closest(".figure-chip") && document.activeElement !== editor) hideTip(tip);
    });
    editor.addEventListener("keydown", function (event) { if (event.key === "Escape") hideTip(tip); });
  }

  // Text typed or pasted at the caret. The browser's own command keeps its undo, but it makes a line
  // break a new <div>: text with line breaks goes in as text, before the editor's closing <br>.
  // The browser's bold and italic pass over a figure (it cannot be edited): a figure in the selection
  // takes the mark, or loses it, with the words around it.
  function marked(editor, bold) {
    var sel = getSelection();
    if (!sel.rangeCount) return;
    var range = sel.getRangeAt(0), on = document.queryCommandState(bold ? "bold" : "italic");
    var tags = bold ? "b, strong" : "i, em";
    editor.querySelectorAll(".figure-chip").forEach(function (chip) {
      if (!range.intersectsNode(chip)) return;
      var mark = chip.parentNode.closest(tags);
      mark = mark && editor.contains(mark) ? mark : null;
      if (on && !mark) {
        var made = document.createElement(bold ? "b" : "i");
        chip.parentNode.insertBefore(made, chip);
        made.appendChild(chip);
      } else if (!on && mark && mark.childNodes.length === 1) {
        mark.parentNode.insertBefore(chip, mark);
        mark.remove();
      }
    });
    joined(editor);
  }
  // Marks of the same kind side by side become one (bold words, a bold figure, bold words: one span).
  function joined(node) {
    function same(el, next) { return next && next.nodeType === 1 && next.tagName === el.tagName && kind(next) === kind(el); }
    Array.from(node.children).forEach(function (el) {
      if (!el.isConnected || !kind(el) || kind(el) === "a") return joined(el);
      for (;;) {
        var next = el.nextSibling, gap = null;
        if (next && next.nodeType === 3 && /^[ \u00a0]*$/.test(next.data)) { gap = next; next = next.nextSibling; }
        if (!same(el, next)) break;
        if (gap) el.appendChild(gap);  // a space between two bold spans: inside the one they become
        while (next.firstChild) el.appendChild(next.firstChild);
        next.remove();
      }
      joined(el);
    });
  }

  function insertText(text) {
    if (text.indexOf("\n") < 0 && document.execCommand("insertText", false, text)) return;
    var sel = getSelection();
    if (!sel.rangeCount) return;
    var range = sel.getRangeAt(0), editor = document.activeElement, last = editor && editor.lastChild;
    range.deleteContents();
    if (last && last.nodeType === 1 && last.classList.contains("end") && range.startContainer === editor &&
        range.startOffset > Array.prototype.indexOf.call(editor.childNodes, last)) range.setStartBefore(last);
    var node = document.createTextNode(text);
    range.insertNode(node);
    range.setStartAfter(node);
    range.collapse(true);
    sel.removeAllRanges();
    sel.addRange(range);
    if (editor) editor.dispatchEvent(new Event("input"));
  }

  // The figure just before (dir -1) or after (dir 1) a collapsed caret, or null.
  function beside(editor, dir) {
    var sel = getSelection();
    if (!sel.rangeCount || !sel.isCollapsed) return null;
    var node = sel.anchorNode, offset = sel.anchorOffset, next;
    if (!editor.contains(node)) return null;
    if (node.nodeType === 3) {
      if (dir < 0 ? offset > 0 : offset < node.data.length) return null;
    } else {
      next = node.childNodes[dir < 0 ? offset - 1 : offset];
      if (next) return deepest(next, dir);
    }
    while (node !== editor) {  // the caret at an edge: the neighbour of the nearest ancestor with one
      next = dir < 0 ? node.previousSibling : node.nextSibling;
      if (next) return deepest(next, dir);
      node = node.parentNode;
    }
    return null;
  }
  function deepest(node, dir) {
    while (node && node.nodeType === 1 && !node.classList.contains("figure-chip") && node.tagName !== "BR")
      node = dir < 0 ? node.lastChild : node.firstChild;
    return node && node.nodeType === 1 && node.classList.contains("figure-chip") ? node : null;
  }
  function selectedChip(editor) {
    var sel = getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0), node = range.startContainer.childNodes && range.startContainer.childNodes[range.startOffset];
    return node && node.nodeType === 1 && node.classList.contains("figure-chip") && range.endOffset === range.startOffset + 1 ? node : null;
  }

  function removeChip(editor, found) {
    var what = found.getAttribute("aria-label"), range = document.createRange(), sel = getSelection();
    range.selectNode(found);
    sel.removeAllRanges();
    sel.addRange(range);
    if (!document.execCommand("delete") || editor.contains(found)) {
      found.remove();
      editor.dispatchEvent(new Event("input"));
    }
    say("Removed the figure " + what + ". Ctrl+Z puts it back.");
  }

  function showTip(tip, found) {
    var f = info(found.dataset.ref);
    tip.textContent = f ? details(f) : "A figure reference the form cannot name: " + folded(found.dataset.ref);
    tip.hidden = false;
    // Under the field, below the figure: never over the text being typed.
    var box = tip.parentNode.getBoundingClientRect(), at = found.getBoundingClientRect();
    var editor = tip.parentNode.querySelector(".richtext-box").getBoundingClientRect();
    tip.style.left = Math.max(0, Math.min(at.left - box.left, box.width - 320)) + "px";
    tip.style.top = (editor.bottom - box.top + 4) + "px";
  }
  function hideTip(tip) { tip.hidden = true; }

  // Put a figure where the selection was (replacing what was selected) and write it.
  function insertChip(editor, f, range) {
    restore(editor);
    var sel = getSelection();
    if (range) { sel.removeAllRanges(); sel.addRange(range); }
    if (!sel.rangeCount || !editor.contains(sel.getRangeAt(0).commonAncestorContainer)) {
      var r = document.createRange();
      r.setStartBefore(editor.lastChild);
      r.collapse(true);
      sel.removeAllRanges();
      sel.addRange(r);
    }
    range = sel.getRangeAt(0);
    range.deleteContents();
    var made = chip(f.ref, f);
    range.insertNode(made);
    range.setStartAfter(made);
    range.collapse(true);
    sel.removeAllRanges();
    sel.addRange(range);
    editor.dispatchEvent(new Event("input"));
    say("Inserted the figure " + f.label + ": " + f.printed + ".");
  }

  // --- the figure picker: a dialog with a combobox over the sheet's and the shared figures ----

  function picker(editor) {
    keep(editor);
    var dialog = document.getElementById("figure-picker") || makePicker();
    dialog.editor = editor;
    var query = dialog.querySelector("input");
    query.value = "";
    fill(dialog, "");
    dialog.showModal();
    query.focus();
  }
  function makePicker() {
    var dialog = document.createElement("dialog");
    dialog.id = "figure-picker";
    dialog.className = "richtext-dialog";
    dialog.setAttribute("aria-labelledby", "figure-picker-h");
    dialog.innerHTML = '<h2 id="figure-picker-h">Insert a figure</h2>' +
      '<label for="figure-picker-q">Find a figure by its name, year, value or source</label>' +
      '<input id="figure-picker-q" type="text" role="combobox" aria-autocomplete="list" aria-expanded="true" ' +
      'aria-controls="figure-picker-list" aria-describedby="figure-picker-help" autocomplete="off">' +
      '<p class="hint" id="figure-picker-help">Up and Down choose a figure, Enter inserts it, Escape closes.</p>' +
      '<ul id="figure-picker-list" role="listbox" aria-label="Figures"></ul>' +
      '<p class="hint" id="figure-picker-count" role="status"></p>' +
      '<p class="dialog-buttons"><button type="button" class="primary" id="figure-picker-insert">Insert the figure</button> ' +
      '<button type="button" id="figure-picker-cancel">Cancel</button></p>';
    document.body.appendChild(dialog);
    var query = dialog.querySelector("input"), list = dialog.querySelector("ul");
    query.addEventListener("input", function () { fill(dialog, query.value); });
    query.addEventListener("keydown", function (event) {
      var options = list.querySelectorAll("[role=option]"), at = Array.from(options).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        choose(dialog, Math.max(0, Math.min(options.length - 1, at + (event.key === "ArrowDown" ? 1 : -1))));
      } else if (event.key === "Home" && event.altKey || event.key === "PageUp") { event.preventDefault(); choose(dialog, 0); }
      else if (event.key === "End" && event.altKey || event.key === "PageDown") { event.preventDefault(); choose(dialog, options.length - 1); }
      else if (event.key === "Enter") { event.preventDefault(); pick(dialog); }
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      choose(dialog, +option.dataset.index);
      pick(dialog);
    });
    dialog.querySelector("#figure-picker-insert").addEventListener("click", function () { pick(dialog); });
    dialog.querySelector("#figure-picker-cancel").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { if (!dialog.picked) restore(dialog.editor); dialog.picked = false; });
    return dialog;
  }
  function fill(dialog, text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean), list = dialog.querySelector("ul");
    var all = catalogue().choices.slice().sort(function (a, b) { return b.own - a.own; });
    var found = all.filter(function (f) {
      var hay = (f.label + " " + f.printed + " " + (f.source || "") + " " + f.where + " " + (f.unit || "")).toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    var total = found.length;
    found = found.slice(0, SHOWN);  // a long list is narrowed by typing, not scrolled through
    dialog.found = found;
    list.textContent = "";
    found.forEach(function (f, i) {
      var li = document.createElement("li"), name = document.createElement("span"), value = document.createElement("span"),
          more = document.createElement("span");
      li.id = "figure-picker-" + i;
      li.dataset.index = i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      name.className = "pick-name";
      name.textContent = f.label;
      value.className = "pick-value";
      value.textContent = f.printed + (f.unit && !/^(usd|%)$/i.test(f.unit) ? " " + f.unit : "");
      more.className = "pick-more";
      more.textContent = [f.where, f.source, f.as_of ? "as of " + f.as_of : ""].filter(Boolean).join(" · ");
      li.appendChild(name);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(value);
      li.appendChild(more);
      list.appendChild(li);
    });
    dialog.querySelector("#figure-picker-count").textContent = !total ? "No figure has these words" :
      total + " figure" + (total === 1 ? "" : "s") + " found" + (total > SHOWN ? "; the first " + SHOWN + " are listed: type more words to find the others" : "");
    choose(dialog, found.length ? 0 : -1);
  }
  function choose(dialog, index) {
    var query = dialog.querySelector("input");
    dialog.querySelectorAll("[role=option]").forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    var option = document.getElementById("figure-picker-" + index);
    if (option) { query.setAttribute("aria-activedescendant", option.id); option.scrollIntoView({block: "nearest"}); }
    else query.removeAttribute("aria-activedescendant");
    dialog.chosen = index;
  }
  function pick(dialog) {
    var f = dialog.found && dialog.found[dialog.chosen];
    if (!f) return;
    dialog.picked = true;
    dialog.close();
    insertChip(dialog.editor, f, dialog.editor.kept);
  }

  // --- links ----------------------------------------------------------------------------------

  function linkDialog(editor) {
    keep(editor);
    var dialog = document.getElementById("link-dialog") || makeLinkDialog();
    dialog.editor = editor;
    var here = editor.kept && (editor.kept.commonAncestorContainer.nodeType === 1 ? editor.kept.commonAncestorContainer : editor.kept.commonAncestorContainer.parentNode).closest("a");
    dialog.querySelector("input").value = here ? here.getAttribute("href") : "https://";
    dialog.querySelector("#link-remove").hidden = !here;
    dialog.querySelector(".error").hidden = true;
    dialog.showModal();
    dialog.querySelector("input").select();
  }
  function makeLinkDialog() {
    var dialog = document.createElement("dialog");
    dialog.id = "link-dialog";
    dialog.className = "richtext-dialog";
    dialog.setAttribute("aria-labelledby", "link-dialog-h");
    dialog.innerHTML = '<h2 id="link-dialog-h">Link</h2><label for="link-address">Address (https://…, http://… or mailto:…)</label>' +
      '<input id="link-address" type="url" autocomplete="off"><p class="error" role="alert" hidden></p>' +
      '<p class="dialog-buttons"><button type="button" class="primary" id="link-ok">Make the link</button> ' +
      '<button type="button" id="link-remove">Remove the link</button> <button type="button" id="link-cancel">Cancel</button></p>';
    document.body.appendChild(dialog);
    var input = dialog.querySelector("input");
    function ok() {
      var href = input.value.trim();
      if (!SCHEMES.test(href)) {
        var error = dialog.querySelector(".error");
        error.textContent = "A link address starts with https://, http:// or mailto: and has no spaces.";
        error.hidden = false;
        return;
      }
      dialog.close();
      restore(dialog.editor);
      if (getSelection().isCollapsed) insertText(href);  // no words chosen: the address is the link's text
      if (getSelection().isCollapsed) {
        var range = getSelection().getRangeAt(0);
        range.setStart(range.startContainer, Math.max(0, range.startOffset - href.length));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      }
      document.execCommand("createLink", false, href);
    }
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); ok(); } });
    dialog.querySelector("#link-ok").addEventListener("click", ok);
    dialog.querySelector("#link-remove").addEventListener("click", function () {
      dialog.close();
      restore(dialog.editor);
      var node = getSelection().anchorNode, link = node && (node.nodeType === 1 ? node : node.parentNode).closest("a");
      if (link) { var range = document.createRange(); range.selectNodeContents(link); getSelection().removeAllRanges(); getSelection().addRange(range); }
      document.execCommand("unlink");
    });
    dialog.querySelector("#link-cancel").addEventListener("click", function () { dialog.close(); restore(dialog.editor); });
    return dialog;
  }

  // --- a typed number a figure prints: the figure is offered (never put in silently) ----------

  function candidates() {
    var cat = catalogue(), out = [], seen = {};
    Object.keys(cat.refs).map(function (k) { return cat.refs[k]; }).concat(cat.choices.filter(function (c) { return c.own; }))
      .forEach(function (f) { if (f.printed && /\d/.test(f.printed) && !seen[f.ref]) { seen[f.ref] = 1; out.push(f); } });
    return out;
  }
  function escaped(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  function numberIn(text, printed) {  // the printed number as a whole token: "1,500", not "11,500"
    return new RegExp("(^|[^0-9.,$])(" + escaped(printed) + ")(?![0-9]|[.,][0-9])").exec(text);
  }
  function refsIn(editor) {
    return Array.from(editor.querySelectorAll(".figure-chip")).map(function (c) { return folded(c.dataset.ref); });
  }
  // A number a figure prints, typed by hand: offer the figure. Else a figure the field used and no
  // longer does: say so, with a way to put it back.
  function offers(editor) {
    var typed = typedText(editor);
    var dismissed = editor.dismissed || (editor.dismissed = {}), now = refsIn(editor);
    var found = candidates().filter(function (f) { return !dismissed[f.printed] && numberIn(typed, f.printed); })[0];
    if (found) return offer(editor, found, "This number is the figure ‘" + found.label + "’ (" + found.printed +
      ") — use the figure? The sheet then follows the figure when it changes.", "Use the figure", "Keep the number",
      function () { swap(editor, found); }, function () { dismissed[found.printed] = true; });
    var lost = editor.used.filter(function (r) { return now.indexOf(r) < 0 && !dismissed[r] && info(r); })[0];
    if (!lost) return offer(editor, null);
    var f = info(lost);
    offer(editor, f, "This text no longer uses the figure ‘" + f.label + "’ (it prints " + f.printed + "): a number " +
      "typed in its place will not change when the figure does.", "Put the figure back", "Leave it out",
      function () { insertChip(editor, f, editor.kept); }, function () { dismissed[lost] = true; });
  }
  function offer(editor, f, said, yes, no, accept, refuse) {
    var holder = editor.closest(".richtext"), note = holder.querySelector(".figure-offer");
    if (note && f && note.dataset.said === said) return;
    if (note) note.remove();
    if (!f) return;
    note = document.createElement("div");
    note.className = "figure-offer warn";
    note.dataset.said = said;
    var words = document.createElement("p");
    words.setAttribute("role", "status");
    words.textContent = said;
    note.appendChild(words);
    [[yes, accept], [no, refuse]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = b[0];
      button.addEventListener("click", function () { note.remove(); b[1](); editor.focus(); offers(editor); });
      note.appendChild(button);
    });
    holder.appendChild(note);
  }
  // The typed number becomes the figure, where it was typed.
  function swap(editor, f) {
    var walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT), node;
    while ((node = walker.nextNode())) {
      var m = numberIn(node.data, f.printed);
      if (!m) continue;
      var range = document.createRange(), at = m.index + m[1].length;
      range.setStart(node, at);
      range.setEnd(node, at + f.printed.length);
      insertChip(editor, f, range);
      return;
    }
  }

  // The caret beside a figure, or the figure selected: its name, source and as-of are shown.
  document.addEventListener("selectionchange", function () {
    var editor = document.activeElement;
    if (!editor || !editor.classList || !editor.classList.contains("richtext-box")) return;
    keep(editor);
    var tip = editor.parentNode.querySelector(".figure-tip");
    var found = selectedChip(editor) || beside(editor, -1) || beside(editor, 1);
    if (found) showTip(tip, found); else hideTip(tip);
  });

  // Each time the form is drawn, before the form's own handlers look for its inputs (capture).
  function upgradeAll() {
    document.querySelectorAll("#form-panel textarea[data-units]").forEach(upgrade);
  }
  document.addEventListener("htmx:afterSwap", upgradeAll, true);
  document.addEventListener("htmx:load", upgradeAll);
  upgradeAll();
})();
