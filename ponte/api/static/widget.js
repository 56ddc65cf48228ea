/* Ponte chat widget. Embed with:
 *   <script src="https://HOST/widget.js" data-api="https://HOST" data-lang="pt" async></script>
 * Plain JavaScript, no dependencies; everything renders inside a shadow root so the host page's
 * styles cannot reach it and its styles cannot leak out. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  var api = ((script && script.getAttribute("data-api")) || (script ? new URL(script.src).origin : location.origin)).replace(/\/$/, "");
  var wanted = (script && script.getAttribute("data-lang")) || (navigator.language || "en");
  var lang = ["en", "it", "pt"].indexOf(wanted.slice(0, 2).toLowerCase()) >= 0 ? wanted.slice(0, 2).toLowerCase() : "en";
  var T = {
    en: { open: "Ask Ponte", title: "Ponte assistant", placeholder: "Ask about the Lombardy–Pernambuco partnership…", send: "Send", fresh: "New conversation", close: "Close", sources: "Sources", partners: "Suggested partners", unknown: "The knowledge base does not cover this.", down: "Ponte cannot be reached right now. Please try again later.", thinking: "Thinking…", hello: "Hello! Ask me about MetalMec, Lombardy and Pernambuco, or describe the partner you are looking for." },
    it: { open: "Chiedi a Ponte", title: "Assistente Ponte", placeholder: "Chiedi della partnership Lombardia–Pernambuco…", send: "Invia", fresh: "Nuova conversazione", close: "Chiudi", sources: "Fonti", partners: "Partner suggeriti", unknown: "La base di conoscenza non tratta questo argomento.", down: "Ponte non è raggiungibile in questo momento. Riprova più tardi.", thinking: "Sto pensando…", hello: "Ciao! Chiedimi di MetalMec, della Lombardia e del Pernambuco, o descrivi il partner che cerchi." },
    pt: { open: "Pergunte ao Ponte", title: "Assistente Ponte", placeholder: "Pergunte sobre a parceria Lombardia–Pernambuco…", send: "Enviar", fresh: "Nova conversa", close: "Fechar", sources: "Fontes", partners: "Parceiros sugeridos", unknown: "A base de conhecimento não cobre este assunto.", down: "Não foi possível contatar o Ponte agora. Tente novamente mais tarde.", thinking: "Pensando…", hello: "Olá! Pergunte sobre o MetalMec, a Lombardia e Pernambuco, ou descreva o parceiro que você procura." }
  }[lang];

  var CSS = [
    ":host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000}",
    /* The host element can be hit by the page's own !important rules; nothing inside inherits from it. */
    ".root{all:initial;display:block;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;text-align:left}",
    "*{box-sizing:border-box}",
    ".launch{border:0;border-radius:999px;padding:12px 18px;background:#0b5c8e;color:#fff;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launch:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid #f2a900;outline-offset:2px}",
    ".panel{position:absolute;right:0;bottom:60px;width:380px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.28);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#0b5c8e;color:#fff}",
    "header h2{flex:1;margin:0;font-size:16px}",
    "header button{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.6);border-radius:8px;padding:4px 8px;font:inherit;font-size:13px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f5f7fa}",
    ".msg{margin:0 0 10px;padding:9px 11px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".user{background:#0b5c8e;color:#fff;margin-left:40px}",
    ".bot{background:#fff;border:1px solid #dde3ea;margin-right:20px}",
    ".bot.unknown{border-color:#e0b040;background:#fff9e8}",
    ".bot.error{border-color:#c0392b;background:#fdecea;color:#7b1d12}",
    ".notes{margin:8px 0 0;padding-left:20px;font-size:13px;color:#44505e}",
    ".notes li{margin-bottom:4px}",
    ".notes b{color:#1d2330}",
    ".cards{display:grid;gap:8px;margin-top:8px}",
    ".card{border:1px solid #cdd6e0;border-radius:10px;padding:8px 10px;background:#fbfcfe}",
    ".card h3{margin:0;font-size:14px}",
    ".card .where{font-size:12px;color:#5a6675}",
    ".card ul{margin:4px 0 0;padding-left:18px;font-size:13px}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #dde3ea;background:#fff}",
    "textarea{flex:1;resize:none;height:44px;border:1px solid #b9c4d0;border-radius:8px;padding:8px;font:inherit}",
    "form button{border:0;border-radius:8px;padding:0 14px;background:#0b5c8e;color:#fff;font:inherit;font-weight:600;cursor:pointer}",
    "form button:disabled{opacity:.5;cursor:wait}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
    "@media (max-width:480px){.panel{position:fixed;right:8px;left:8px;bottom:70px;width:auto;height:calc(100vh - 90px)}}"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text != null) node.textContent = text;
    return node;
  }

  var host = el("div", { id: "ponte-widget" });
  var root = host.attachShadow({ mode: "open" });
  var style = el("style"); style.textContent = CSS; root.appendChild(style);

  var launch = el("button", { class: "launch", type: "button", "aria-expanded": "false", "aria-controls": "ponte-panel" }, T.open);
  var panel = el("section", { class: "panel", id: "ponte-panel", role: "dialog", "aria-label": T.title, hidden: "" });
  var header = el("header");
  header.appendChild(el("h2", {}, T.title));
  var fresh = el("button", { type: "button", class: "fresh" }, T.fresh);
  var close = el("button", { type: "button", "aria-label": T.close }, "×");
  header.appendChild(fresh); header.appendChild(close);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
  var form = el("form");
  var label = el("label", { for: "ponte-input", class: "sr" }, T.placeholder);
  var input = el("textarea", { id: "ponte-input", placeholder: T.placeholder, rows: "2", maxlength: "4000" });
  var send = el("button", { type: "submit" }, T.send);
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  panel.appendChild(header); panel.appendChild(log); panel.appendChild(form);
  var wrap = el("div", { class: "root" });
  wrap.appendChild(panel); wrap.appendChild(launch);
  root.appendChild(wrap);

  var conversation = null;
  try { conversation = sessionStorage.getItem("ponte-conversation"); } catch (e) { /* storage may be blocked */ }

  function greet() { log.textContent = ""; log.appendChild(el("p", { class: "msg bot" }, T.hello)); }
  greet();

  function toggle(open) {
    panel.hidden = !open;
    launch.setAttribute("aria-expanded", String(open));
    if (open) input.focus(); else launch.focus();
  }
  launch.addEventListener("click", function () { toggle(panel.hidden); });
  close.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
  fresh.addEventListener("click", function () {
    conversation = null;
    try { sessionStorage.removeItem("ponte-conversation"); } catch (e) { /* ignore */ }
    greet(); input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });

  function renderFinal(bubble, data) {
    bubble.textContent = data.answer;
    if (!data.grounded) { bubble.classList.add("unknown"); bubble.setAttribute("data-grounded", "false"); return; }
    bubble.setAttribute("data-grounded", "true");
    if (data.citations && data.citations.length) {
      bubble.appendChild(el("div", { class: "sr" }, T.sources));
      var notes = el("ol", { class: "notes", "aria-label": T.sources });
      data.citations.forEach(function (c) {
        var li = el("li", { class: "citation" });
        li.appendChild(el("b", {}, c.title));
        li.appendChild(document.createTextNode(" — " + c.snippet));
        notes.appendChild(li);
      });
      bubble.appendChild(notes);
    }
    if (data.partners && data.partners.length) {
      var cards = el("div", { class: "cards", role: "list", "aria-label": T.partners });
      data.partners.forEach(function (m) {
        var card = el("article", { class: "card", role: "listitem", "data-company": m.company_id });
        card.appendChild(el("h3", {}, m.name));
        card.appendChild(el("div", { class: "where" }, [m.region, m.country].filter(Boolean).join(", ") + " · " + (m.sector_names || m.sectors).join(", ")));
        var ul = el("ul");
        m.reasons.forEach(function (r) { ul.appendChild(el("li", {}, r)); });
        card.appendChild(ul);
        cards.appendChild(card);
      });
      bubble.appendChild(cards);
    }
  }

  async function ask(text) {
    log.appendChild(el("p", { class: "msg user" }, text));
    var bubble = el("div", { class: "msg bot", "aria-busy": "true" }, T.thinking);
    log.appendChild(bubble); log.scrollTop = log.scrollHeight;
    send.disabled = true;
    try {
      // The page's language frames the widget; the answer follows the language the question is
      // written in. Only the first message of a conversation, when too short to tell ("ok",
      // "?"), is sent with the page's language; later ones keep the conversation's.
      var body = { message: text, stream: true };
      if (conversation) body.conversation_id = conversation;
      else if (text.trim().split(/\s+/).length < 3) body.language = lang;
      var res = await fetch(api + "/v1/chat", {
        method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" }, body: JSON.stringify(body)
      });
      if (!res.ok) {
        var problem = null;
        try { problem = (await res.json()).error; } catch (e) { /* not JSON */ }
        throw new Error(problem ? problem.message : T.down);
      }
      var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "", streamed = "", final = null;
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
        var cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          var raw = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
          var event = "message", data = "";
          raw.split("\n").forEach(function (line) {
            if (line.indexOf("event:") === 0) event = line.slice(6).trim();
            else if (line.indexOf("data:") === 0) data += line.slice(5).replace(/^ /, "");
          });
          if (!data) continue;
          if (event === "delta") { streamed += JSON.parse(data).text; bubble.textContent = streamed; }
          else if (event === "final") { final = JSON.parse(data); }
        }
        log.scrollTop = log.scrollHeight;
      }
      if (!final) throw new Error(T.down);
      conversation = final.conversation_id;
      try { sessionStorage.setItem("ponte-conversation", conversation); } catch (e) { /* ignore */ }
      renderFinal(bubble, final);
    } catch (err) {
      bubble.className = "msg bot error";
      bubble.setAttribute("role", "alert");
      bubble.textContent = (err && err.message && err.message !== "Failed to fetch") ? err.message : T.down;
    } finally {
      bubble.removeAttribute("aria-busy");
      send.disabled = false; input.focus();
      log.scrollTop = log.scrollHeight;
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || send.disabled) return;
    input.value = "";
    ask(text);
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
