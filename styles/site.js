/*
 * site.js - filter and sort the batch's index (folio build).
 * Optional: without it index.html lists every document in 档号 order and
 * every link works; this only shows the form and reorders the list.
 */
(function () {
	"use strict";
	var form = document.querySelector("form.tools");
	var list = document.getElementById("docs");
	if (!form || !list) {
		return;
	}
	var q = document.getElementById("q");
	var sort = document.getElementById("sort");
	var count = document.getElementById("count");
	var keys = Array.prototype.map.call(list.children, function (li, i) {
		var h = li.querySelector("h2");
		return {
			li: li,
			index: i,
			date: li.getAttribute("data-date") || "",
			title: (h || li).textContent,
			text: li.textContent.toLowerCase()
		};
	});
	var orders = {
		code: function (a, b) { return a.index - b.index; },
		"new": function (a, b) {
			return a.date < b.date ? 1 : a.date > b.date ? -1 :
				a.index - b.index;
		},
		old: function (a, b) {
			return a.date < b.date ? -1 : a.date > b.date ? 1 :
				a.index - b.index;
		},
		title: function (a, b) {
			return a.title.localeCompare(b.title, "zh-CN") ||
				a.index - b.index;
		}
	};
	function apply() {
		var needle = q.value.trim().toLowerCase();
		var shown = 0;
		var frag = document.createDocumentFragment();
		keys.slice().sort(orders[sort.value] || orders.code)
			.forEach(function (k) {
				var hit = needle === "" ||
					k.text.indexOf(needle) !== -1;
				k.li.hidden = !hit;
				if (hit) {
					shown += 1;
				}
				frag.appendChild(k.li);
			});
		list.appendChild(frag);
		count.textContent = "显示 " + shown + " / " + keys.length +
			" 份文件";
	}
	form.addEventListener("submit", function (e) { e.preventDefault(); });
	q.addEventListener("input", apply);
	sort.addEventListener("change", apply);
	form.hidden = false;
	apply();
}());
