// SPDX-License-Identifier: EUPL-1.2
// The redaction page (/panel/sprawy/{id}/zalaczniki/{aid}/anonimizacja):
// drawing boxes on the images of the original's pages. Progressive
// enhancement: without this script the page works with search terms and
// boxes typed in; with it, a box dragged on a page becomes one more ticked
// checkbox "box" with the value PAGE:x0,y0,x1,y1 in PDF points from the top
// left corner, exactly what a typed box would be. No framework, no inline
// styles (the CSP allows none): positions are set through the CSSOM.
(function () {
	'use strict';
	var pages = document.getElementById('original-pages');
	var list = document.getElementById('box-list');
	if (!pages || !list || !window.PointerEvent) return;
	var dpi = Number(pages.getAttribute('data-dpi')) || 100;
	var next = 1;

	// The page's size in points, from its image (rendered at `dpi`).
	function pageSize(img) {
		return { w: (img.naturalWidth * 72) / dpi, h: (img.naturalHeight * 72) / dpi };
	}

	function place(el, img, b) {
		var s = pageSize(img);
		el.style.left = (b.x0 / s.w) * 100 + '%';
		el.style.top = (b.y0 / s.h) * 100 + '%';
		el.style.width = ((b.x1 - b.x0) / s.w) * 100 + '%';
		el.style.height = ((b.y1 - b.y0) / s.h) * 100 + '%';
	}

	function parse(value) {
		var m = /^(\d+):([\d.]+),([\d.]+),([\d.]+),([\d.]+)$/.exec(value);
		return m ? { page: +m[1], x0: +m[2], y0: +m[3], x1: +m[4], y1: +m[5] } : null;
	}

	// The ticked boxes drawn over their pages.
	function redraw() {
		var old = pages.querySelectorAll('.box');
		for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
		var inputs = list.querySelectorAll('input[name="box"]');
		for (var k = 0; k < inputs.length; k++) {
			if (!inputs[k].checked) continue;
			var b = parse(inputs[k].value);
			var canvas = b && pages.querySelector('.page-canvas[data-page="' + b.page + '"]');
			var img = canvas && canvas.querySelector('img');
			if (!img || !img.naturalWidth) continue;
			var el = document.createElement('div');
			el.className = 'box';
			place(el, img, b);
			canvas.appendChild(el);
		}
	}

	function fmt(v) {
		return (Math.round(v * 10) / 10).toFixed(1);
	}

	function addBox(page, b) {
		var id = 'box-drawn-' + next++;
		var wrap = document.createElement('div');
		wrap.className = 'choice';
		var input = document.createElement('input');
		input.type = 'checkbox';
		input.id = id;
		input.name = 'box';
		input.checked = true;
		input.value = page + ':' + fmt(b.x0) + ',' + fmt(b.y0) + ',' + fmt(b.x1) + ',' + fmt(b.y1);
		var label = document.createElement('label');
		label.htmlFor = id;
		label.textContent =
			'strona ' + page + ': od (' + Math.round(b.x0) + ', ' + Math.round(b.y0) + ') do (' +
			Math.round(b.x1) + ', ' + Math.round(b.y1) + ') pkt (narysowany)';
		wrap.appendChild(input);
		wrap.appendChild(label);
		list.appendChild(wrap);
		redraw();
	}

	function attach(canvas) {
		var img = canvas.querySelector('img');
		var start = null;
		var rubber = null;
		function point(e) {
			var r = img.getBoundingClientRect();
			var s = pageSize(img);
			var x = Math.min(Math.max(e.clientX - r.left, 0), r.width);
			var y = Math.min(Math.max(e.clientY - r.top, 0), r.height);
			return { x: (x / r.width) * s.w, y: (y / r.height) * s.h };
		}
		function box(a, b) {
			return { x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) };
		}
		canvas.addEventListener('pointerdown', function (e) {
			if (e.button !== 0 || !img.naturalWidth) return;
			e.preventDefault();
			start = point(e);
			rubber = document.createElement('div');
			rubber.className = 'box drawing';
			canvas.appendChild(rubber);
			place(rubber, img, box(start, start));
			if (canvas.setPointerCapture) canvas.setPointerCapture(e.pointerId);
		});
		canvas.addEventListener('pointermove', function (e) {
			if (start) place(rubber, img, box(start, point(e)));
		});
		function end(e, keep) {
			if (!start) return;
			var b = box(start, point(e));
			start = null;
			if (rubber && rubber.parentNode) rubber.parentNode.removeChild(rubber);
			rubber = null;
			// A click is not a box: at least 2 points each way.
			if (keep && b.x1 - b.x0 >= 2 && b.y1 - b.y0 >= 2) addBox(canvas.getAttribute('data-page'), b);
		}
		canvas.addEventListener('pointerup', function (e) {
			end(e, true);
		});
		canvas.addEventListener('pointercancel', function (e) {
			end(e, false);
		});
		img.addEventListener('load', redraw);
		img.setAttribute('draggable', 'false');
		canvas.classList.add('drawable');
	}

	var canvases = pages.querySelectorAll('.page-canvas');
	for (var i = 0; i < canvases.length; i++) attach(canvases[i]);
	list.addEventListener('change', redraw);
	redraw();
})();
