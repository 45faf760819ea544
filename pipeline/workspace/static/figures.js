// A typed number never silently replaces a figure: when a form field's text stops using a figure it
// used, or holds a number one of the sheet's figures prints, the form says so under the field and
// offers the figure (the text keeps the record's reference syntax, so the number follows the data).
(function () {
  "use strict";
  function figures() {
    var data = document.getElementById("sheet-figures");
    return data ? JSON.parse(data.textContent) : [];
  }
  function escaped(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  function numberIn(text, printed) {  // the printed number as a whole token: "1,500", not "11,500"
    return new RegExp("(^|[^0-9.,])(" + escaped(printed) + ")(?![0-9]|[.,][0-9])").exec(text);
  }
  function offer(field, note, label, apply) {
    var box = document.createElement("p"), button = document.createElement("button");
    box.className = "figure-offer warn";
    box.textContent = note + " ";
    button.type = "button";
    button.className = "small";
    button.textContent = label;
    button.addEventListener("click", function () {
      field.value = apply(field.value);
      field.dispatchEvent(new Event("change", {bubbles: true}));  // the form writes it at once
      look(field);
      field.focus();
    });
    box.appendChild(button);
    return box;
  }
  function look(field) {
    var holder = field.closest(".form-field");
    if (!holder) return;
    holder.querySelectorAll(".figure-offer").forEach(function (n) { n.remove(); });
    var value = field.value, before = field.defaultValue;
    figures().forEach(function (f) {
      if (value.indexOf(f.ref) >= 0) return;
      var typed = numberIn(value, f.printed);
      if (typed) {
        holder.appendChild(offer(field, "“" + f.printed + "” is what the figure “" + f.name + "” prints: use the figure, " +
          "so the sheet follows it when it changes?", "Use the figure “" + f.name + "”", function (v) {
            var m = numberIn(v, f.printed);
            return m ? v.slice(0, m.index + m[1].length) + f.ref + v.slice(m.index + m[0].length) : v;
          }));
      } else if (before.indexOf(f.ref) >= 0) {
        holder.appendChild(offer(field, "This text no longer uses the figure “" + f.name + "” (it prints " + f.printed +
          "); a number typed instead will not follow the figure.", "Put back the text as it was, with the figure", function () { return before; }));
      }
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("#form-panel") && /^f-/.test(event.target.id) &&
        event.target.matches("input, textarea")) look(event.target);  // prose: richtext.js offers the figure
  });
})();
