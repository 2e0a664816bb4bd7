// SPDX-License-Identifier: EUPL-1.2
// A draft letter's page (/panel/sprawy/{id}/pisma/{seq}): the files chosen
// for attaching are checked against the limits the page states before
// anything is sent, so that a file too large never leaves the browser and
// the letter's text stays as typed. Progressive enhancement: the server
// checks the same limits (and the content) and answers with the form kept.
(function () {
	'use strict';
	var input = document.getElementById('zalacznik');
	var button = document.getElementById('attach-button');
	var out = document.getElementById('zalacznik-check');
	if (!input || !button || !out || !window.FileList) return;
	var maxFile = Number(input.getAttribute('data-max-file')) || 0;
	var left = Number(input.getAttribute('data-left')) || 0;
	var maxBody = Number(input.getAttribute('data-max-body')) || 0;

	function problem() {
		var files = input.files, sum = 0;
		if (!files || !files.length) return 'Wybierz plik do załączenia.';
		for (var i = 0; i < files.length; i++) {
			if (maxFile && files[i].size > maxFile)
				return '„' + files[i].name + '”: plik jest za duży — jeden załącznik może mieć najwyżej ' +
					input.getAttribute('data-max-file-text') + '.';
			sum += files[i].size;
		}
		if (sum > left)
			return 'Wybrane pliki są razem za duże: do tego pisma można jeszcze załączyć ' +
				input.getAttribute('data-left-text') + '.';
		if (maxBody && sum > maxBody - 262144)
			return 'Wybrane pliki są razem za duże, by wysłać je naraz: załącz je po kolei.';
		return '';
	}

	function show(msg) {
		out.textContent = msg;
		out.hidden = !msg;
		if (msg) input.setAttribute('aria-invalid', 'true');
		else input.removeAttribute('aria-invalid');
	}

	input.addEventListener('change', function () {
		show(input.files && input.files.length ? problem() : '');
	});
	button.addEventListener('click', function (ev) {
		var msg = problem();
		if (msg) {
			ev.preventDefault();
			show(msg);
			input.focus();
		}
	});
})();
