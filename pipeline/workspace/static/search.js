// The gallery's search answered in place: the form's submit fetches only the card list (/cards) and puts
// it where the old one was, so the answer paints without reloading the page. The address bar follows
// (Back and a reload give the same results), the count is said by its status line, and the focus stays
// where it was (the search box after Enter). Without this script the form submits and the page answers.
(function () {
  "use strict";

  const form = document.querySelector("form.filters");
  const count = form && form.querySelector(".count");
  if (!form || !count || !document.getElementById("results") || !window.fetch || !window.AbortController) {
    return;  // the plain form still works
  }
  let asking = null;  // the request in flight: a newer question overtakes it

  function asked(fields) {
    // The query as the address bar shows it: the form's fields that say something, as the form sends them.
    const kept = new URLSearchParams();
    for (const [name, value] of fields) {
      if (value !== "") kept.append(name, value);
    }
    const text = kept.toString();
    return text ? "?" + text : "";
  }

  async function answer(query) {
    if (asking) asking.abort();
    const mine = new AbortController();
    asking = mine;
    const results = document.getElementById("results");
    results.setAttribute("aria-busy", "true");  // the old list stays until the new one is here: no empty flash
    let html;
    try {
      const response = await fetch("/cards" + query, {signal: mine.signal, credentials: "same-origin"});
      if (!response.ok) throw new Error("the workspace answered " + response.status);
      html = await response.text();
    } catch (error) {
      if (mine.signal.aborted) return;
      window.location.assign("/" + query);  // the whole page answers, as without JavaScript
      return;
    }
    if (asking !== mine) return;
    asking = null;
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const fresh = holder.content.getElementById("results");
    if (!fresh) {
      window.location.assign("/" + query);
      return;
    }
    document.getElementById("results").replaceWith(fresh);
    count.textContent = fresh.dataset.count;  // a status line: screen readers say the new count
  }

  function showFields(query) {
    // After Back or Forward: the form says the search whose answer is shown.
    const params = new URLSearchParams(query);
    for (const field of form.elements) {
      if (!field.name) continue;
      const first = field.tagName === "SELECT" ? field.options[0].value : "";
      field.value = params.get(field.name) || first;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const query = asked(new FormData(form));
    const address = "/" + query;
    if (address === window.location.pathname + window.location.search) {
      window.history.replaceState({gallery: query}, "", address);
    } else {
      window.history.pushState({gallery: query}, "", address);  // Back returns to the search before
    }
    answer(query);
  });

  window.addEventListener("popstate", function () {
    showFields(window.location.search);
    answer(window.location.search);
  });
})();
