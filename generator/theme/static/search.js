// The search page (search/index.html): queries the Pagefind index in pagefind/ and lists
// the reports found. Only this page uses JavaScript; every other page works without it.
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = new URL("../", document.baseURI); // the site's top, under any sub-path
const SHOWN = 20;
let pagefind = null;

async function load() {
  if (pagefind === null) {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    await pagefind.options({ baseUrl: root.pathname });
    await pagefind.init();
  }
  return pagefind;
}

// Pagefind's excerpt marks the words found with <mark>; everything else is kept as text.
function excerpt(html) {
  const p = document.createElement("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

async function search(term) {
  list.replaceChildren();
  if (!term.trim()) {
    status.textContent = "请输入搜索词。";
    return;
  }
  status.textContent = "正在搜索……";
  try {
    const found = await (await load()).search(term);
    const items = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
    for (const item of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.meta.title || item.url;
      li.append(a, excerpt(item.excerpt));
      list.append(li);
    }
    const n = found.results.length;
    status.textContent = n
      ? `找到 ${n} 份年报${n > SHOWN ? `，下面列出前 ${SHOWN} 份` : ""}。`
      : `没有找到包含“${term}”的年报。`;
  } catch (error) {
    status.textContent = "搜索索引无法加载，请稍后再试，或从首页按机关、按年度浏览。";
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const term = input.value;
  history.replaceState(null, "", `?q=${encodeURIComponent(term)}`);
  search(term);
});

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
