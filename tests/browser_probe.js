/*
 * browser_probe.js - loaded by tests/browser.py into a copy of a site
 * page, after axe-core: measures the page at the size of its frame and
 * runs axe, then posts one JSON object to the wrapper page.
 */
(function () {
	"use strict";
	function report(r) {
		parent.postMessage(JSON.stringify(r), "*");
	}
	window.addEventListener("load", function () {
		var r = {
			page: location.pathname,
			innerWidth: window.innerWidth,
			scrollWidth: document.documentElement.scrollWidth,
			bodyScrollWidth: document.body.scrollWidth,
			lang: document.documentElement.lang,
			// Scrolling regions (EPUB tables): [scrollWidth,
			// clientWidth] of each.
			wraps: Array.prototype.map.call(
				document.querySelectorAll(".table-wrap"),
				function (e) {
					return [e.scrollWidth, e.clientWidth];
				}),
			resources: performance.getEntriesByType("resource")
				.map(function (e) { return e.name; }),
			// Every link and source as the browser resolves it.
			links: Array.prototype.map.call(
				document.querySelectorAll("[href], [src]"),
				function (e) {
					return e.href || e.src ||
						e.getAttribute("href") ||
						e.getAttribute("src");
				})
		};
		axe.run(document, { resultTypes: ["violations"] }).then(
			function (res) {
				r.violations = res.violations.map(function (v) {
					return {
						id: v.id,
						impact: v.impact,
						help: v.help,
						nodes: v.nodes.slice(0, 5)
							.map(function (n) {
								return n.target.join(" ");
							})
					};
				});
				report(r);
			},
			function (e) {
				r.error = String(e);
				report(r);
			});
	});
}());
