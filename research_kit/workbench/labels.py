"""Every fixed string the workbench's panels show, in French and English.

The panels take their words from here (:func:`labels` gives one language's table to the
front end), as briefs take theirs from :mod:`research_kit.i18n`.
"""

from __future__ import annotations

from ..errors import check_option

__all__ = ["LABELS", "labels"]

LABELS: dict[str, dict[str, str]] = {
    # shared
    "dismiss": {"fr": "Fermer", "en": "Dismiss"},
    "document": {"fr": "Document", "en": "Document"},
    "documents": {"fr": "documents", "en": "documents"},
    "speaker": {"fr": "Locuteur·rice", "en": "Speaker"},
    "role": {"fr": "Rôle", "en": "Role"},
    "date": {"fr": "Date", "en": "Date"},
    "all": {"fr": "(tous)", "en": "(all)"},
    "none": {"fr": "(aucun)", "en": "(none)"},
    "more": {"fr": "Afficher plus", "en": "Show more"},
    "export": {"fr": "Exporter en CSV", "en": "Export to CSV"},
    "exported": {"fr": "Écrit :", "en": "Written:"},
    "turn": {"fr": "tour", "en": "turn"},
    "context": {"fr": "En contexte", "en": "In context"},
    "segments": {"fr": "segments", "en": "segments"},
    "code": {"fr": "Code", "en": "Code"},
    "coder": {"fr": "Codeur·euse", "en": "Coder"},
    "text": {"fr": "Texte", "en": "Text"},
    "undo": {"fr": "Annuler", "en": "Undo"},
    "nothing_to_undo": {"fr": "Rien à annuler", "en": "Nothing to undo"},
    # coding panel
    "coding_title": {"fr": "Codage", "en": "Coding"},
    "blind": {"fr": "à l'aveugle", "en": "blind"},
    "saved": {"fr": "enregistré à", "en": "saved at"},
    "not_saved": {"fr": "pas encore enregistré", "en": "not saved yet"},
    "pending": {"fr": "modification(s) en attente", "en": "change(s) waiting"},
    "retry": {"fr": "Réessayer", "en": "Retry"},
    "codes": {"fr": "Codes", "en": "Codes"},
    "search_codes": {"fr": "Chercher un code… (/)", "en": "Search codes… (/)"},
    "selection": {"fr": "Sélection", "en": "Selection"},
    "no_selection": {"fr": "Sélectionnez des mots dans la transcription, ou ¶ pour un tour entier.",
                     "en": "Select words in the transcript, or ¶ for a whole turn."},
    "whole_turn": {"fr": "Tour entier (t)", "en": "Whole turn (t)"},
    "select_turn": {"fr": "Sélectionner tout le tour", "en": "Select the whole turn"},
    "clear": {"fr": "Effacer (Échap)", "en": "Clear (Esc)"},
    "memo": {"fr": "Mémo", "en": "Memo"},
    "save_memo": {"fr": "Enregistrer le mémo", "en": "Save memo"},
    "memo_needs_code": {"fr": "Codez la sélection pour y joindre un mémo.", "en": "Code the selection to attach a memo."},
    "others_coded": {"fr": "Autres codeur·euses ici :", "en": "Other coders here:"},
    "suggested": {"fr": "Suggestion des règles :", "en": "Suggested by the rules:"},
    "accept": {"fr": "Accepter (a)", "en": "Accept (a)"},
    "reject": {"fr": "Rejeter (r)", "en": "Reject (r)"},
    "suggestions": {"fr": "Suggestions", "en": "Suggestions"},
    "no_suggestions": {"fr": "Aucune suggestion en attente dans ce document.",
                       "en": "No suggestion waiting in this document."},
    "next": {"fr": "Suivante (n)", "en": "Next (n)"},
    "previous": {"fr": "Précédente (p)", "en": "Previous (p)"},
    "rule_scores": {"fr": "Les règles face à vos codages", "en": "The rules against your codings"},
    "no_scores": {"fr": "Codez ou décidez des suggestions pour mesurer les règles.",
                  "en": "Code, or decide suggestions, to measure the rules."},
    "precision": {"fr": "Précision", "en": "Precision"},
    "recall": {"fr": "Rappel", "en": "Recall"},
    "f1": {"fr": "F1", "en": "F1"},
    "retrieval": {"fr": "Extraits codés", "en": "Retrieval"},
    "pick_code": {"fr": "Choisir un code…", "en": "Pick a code…"},
    "no_codebook": {"fr": "Pas de grille de codage utilisable : lecture seule.",
                    "en": "No usable codebook: read only."},
    "keys": {"fr": "Touches : 1–9 cocher · t tour · u annuler · a/r accepter/rejeter · n/p suggestion · / chercher",
             "en": "Keys: 1–9 tick · t turn · u undo · a/r accept/reject · n/p suggestion · / search"},
    # explorer
    "explorer_title": {"fr": "Explorateur", "en": "Explorer"},
    "search": {"fr": "Chercher", "en": "Search"},
    "search_placeholder": {"fr": "Forme, lemme ou expression…", "en": "Form, lemma or phrase…"},
    "of_text": {"fr": "forme", "en": "form"},
    "of_lemma": {"fr": "lemme", "en": "lemma"},
    "regex": {"fr": "expr. régulière", "en": "regex"},
    "case": {"fr": "casse", "en": "case"},
    "sort": {"fr": "Trier par", "en": "Sort by"},
    "sort_position": {"fr": "position", "en": "position"},
    "sort_left": {"fr": "contexte gauche", "en": "left context"},
    "sort_right": {"fr": "contexte droit", "en": "right context"},
    "sort_match": {"fr": "occurrence", "en": "match"},
    "hits": {"fr": "occurrences", "en": "hits"},
    "in": {"fr": "dans", "en": "in"},
    "filters": {"fr": "Filtres", "en": "Filters"},
    "before_filters": {"fr": "avant les filtres", "en": "before the filters"},
    "date_from": {"fr": "du", "en": "from"},
    "date_to": {"fr": "au", "en": "to"},
    "variable": {"fr": "Variable", "en": "Variable"},
    "value": {"fr": "Valeur", "en": "Value"},
    "reset": {"fr": "Tout effacer", "en": "Reset"},
    "concordance": {"fr": "Concordance", "en": "Concordance"},
    "frequencies": {"fr": "Fréquences", "en": "Frequencies"},
    "keyness": {"fr": "Spécificités", "en": "Keyness"},
    "participation": {"fr": "Participation", "en": "Participation"},
    "target": {"fr": "Cible", "en": "Target"},
    "reference": {"fr": "Référence", "en": "Reference"},
    "rest": {"fr": "le reste", "en": "the rest"},
    "measure": {"fr": "Mesure", "en": "Measure"},
    "compute": {"fr": "Calculer", "en": "Compute"},
    "by": {"fr": "Par", "en": "By"},
    "whole_corpus": {"fr": "tout le corpus", "en": "whole corpus"},
    "click_hit": {"fr": "Cliquez une ligne pour lire le tour en contexte.",
                  "en": "Click a line to read its turn in context."},
    "no_hits": {"fr": "Aucune occurrence.", "en": "No hit."},
    "term": {"fr": "Terme", "en": "Term"},
    "count": {"fr": "Effectif", "en": "Count"},
    "per_10k": {"fr": "pour 10 000 mots", "en": "per 10,000 words"},
    "turns": {"fr": "Tours", "en": "Turns"},
    "words": {"fr": "Mots", "en": "Words"},
    "share_words": {"fr": "Part des mots", "en": "Share of words"},
    "time": {"fr": "Temps de parole (min)", "en": "Speaking time (min)"},
    # resolve
    "resolve_title": {"fr": "Comparer et trancher", "en": "Compare and resolve"},
    "decider": {"fr": "décide", "en": "deciding"},
    "unit": {"fr": "Unité", "en": "Unit"},
    "apply": {"fr": "Appliquer le code", "en": "Apply the code"},
    "dont_apply": {"fr": "Ne pas l'appliquer", "en": "Do not apply"},
    "decided": {"fr": "tranché", "en": "decided"},
    "remaining": {"fr": "restants", "en": "remaining"},
    "disagreements": {"fr": "Désaccords", "en": "Disagreements"},
    "agreement": {"fr": "Accord par code", "en": "Agreement per code"},
    "alpha": {"fr": "α de Krippendorff", "en": "Krippendorff's α"},
    "kappa": {"fr": "κ de Cohen", "en": "Cohen's κ"},
    "undecided_only": {"fr": "Seulement ceux à trancher", "en": "Undecided only"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "missing": {"fr": "non codé", "en": "not coded"},
    "no_disagreement": {"fr": "Aucun désaccord.", "en": "No disagreement."},
    "refresh": {"fr": "Relire les codages", "en": "Reload the codings"},
    "written_to": {"fr": "Décisions écrites dans", "en": "Decisions written to"},
    # textometry
    "textometry_title": {"fr": "Classes lexicales (Reinert)", "en": "Lexical classes (Reinert)"},
    "classes": {"fr": "Classes", "en": "Classes"},
    "profile": {"fr": "Profil", "en": "Profile"},
    "anti_profile": {"fr": "Anti-profil", "en": "Anti-profile"},
    "characteristic_segments": {"fr": "Segments caractéristiques", "en": "Characteristic segments"},
    "factor_map": {"fr": "Carte factorielle", "en": "Factor map"},
    "marginal": {"fr": "marginale", "en": "marginal"},
    "click_form": {"fr": "Cliquez une forme pour sa concordance.", "en": "Click a form for its concordance."},
    "kind": {"fr": "Type", "en": "Kind"},
    "score": {"fr": "Score", "en": "Score"},
}


def labels(lang: str) -> dict[str, str]:
    """One language's table, for a panel's front end.

    Examples
    --------
    >>> labels("en")["undo"]
    'Undo'
    """
    check_option("lang", lang, ("fr", "en"), function="labels")
    return {key: text[lang] for key, text in LABELS.items()}
