# Translations (docs/translating.md): after an English cell or page changed, `make translations` updates
# locales/zh_TW (new text untranslated, changed text marked fuzzy); `make test` fails until they are translated.
.PHONY: translations translations-check

translations: $(VENV)/.dev
	$(BIN)/python -m tools.i18n update

translations-check: $(VENV)/.dev
	$(BIN)/python -m tools.i18n check
