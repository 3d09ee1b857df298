"""Every fixed string a brief prints, in French and English.

Briefs follow their ``lang`` parameter: headings, captions and table headers all come
from :data:`MESSAGES` through :func:`t`, and table columns through :func:`column`.
"""

from __future__ import annotations

from .errors import ParameterError, check_option

__all__ = ["t", "column", "MESSAGES", "COLUMNS", "LANGS"]

LANGS = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # brief kinds
    "session_brief": {"fr": "Brief de séance", "en": "Session brief"},
    "process_brief": {"fr": "Évaluation d'un processus participatif", "en": "Participatory process evaluation"},
    "thematic_brief": {"fr": "Fiche thématique", "en": "Thematic brief"},
    "corpus_explorer": {"fr": "Le corpus en un coup d'œil", "en": "The corpus at a glance"},
    "coding_review": {"fr": "Revue du codage", "en": "Coding review"},
    # sections
    "at_a_glance": {"fr": "En bref", "en": "At a glance"},
    "participants": {"fr": "Qui a pris part", "en": "Who took part"},
    "participation": {"fr": "Prise de parole", "en": "Participation"},
    "equality_of_voice": {"fr": "Égalité de la prise de parole", "en": "Equality of voice"},
    "themes": {"fr": "Thèmes principaux", "en": "Main themes"},
    "keywords": {"fr": "Mots caractéristiques", "en": "Keywords"},
    "recommendations": {"fr": "Recommandations et besoins exprimés", "en": "Recommendations and needs voiced"},
    "open_questions": {"fr": "Questions ouvertes", "en": "Open questions"},
    "over_time": {"fr": "Au fil des séances", "en": "Over the sessions"},
    "themes_by_group": {"fr": "Thèmes par groupe d'acteurs", "en": "Themes by stakeholder group"},
    "theme_evolution": {"fr": "Évolution des thèmes", "en": "How themes evolved"},
    "requests": {"fr": "Ce que les participant·es ont demandé", "en": "What participants asked for"},
    "recommendation_table": {"fr": "Recommandations et séances d'origine", "en": "Recommendations traced to their sessions"},
    "definition": {"fr": "Définition", "en": "Definition"},
    "where_when": {"fr": "Où et quand le thème apparaît", "en": "Where and when it appears"},
    "quotes_by_context": {"fr": "Extraits par contexte", "en": "Quotes by context"},
    "contrasting_views": {"fr": "Points de vue contrastés", "en": "Contrasting views"},
    "discussion_questions": {"fr": "Questions pour l'atelier", "en": "Questions for the workshop"},
    "documents": {"fr": "Documents", "en": "Documents"},
    "speakers_roles": {"fr": "Rôles et locuteur·rices", "en": "Speakers and roles"},
    "word_use": {"fr": "Vocabulaire", "en": "Word use"},
    "concordance": {"fr": "Concordance", "en": "Concordance"},
    "collocations": {"fr": "Cooccurrences de mots", "en": "Collocations"},
    "codebook": {"fr": "Grille de codage", "en": "Codebook"},
    "code_frequencies": {"fr": "Fréquence des codes", "en": "Code frequencies"},
    "cooccurrence": {"fr": "Codes appliqués ensemble", "en": "Codes applied together"},
    "agreement": {"fr": "Accord entre codeur·euses", "en": "Agreement between coders"},
    "disagreements": {"fr": "Désaccords à discuter", "en": "Disagreements to discuss"},
    "classification": {"fr": "Classification thématique (méthode Reinert)", "en": "Thematic classification (Reinert method)"},
    "method": {"fr": "Méthode", "en": "Method"},
    # sentences
    "fiction_notice": {
        "fr": "Corpus fictif : personnes, lieux et organisations sont inventés.",
        "en": "Fictional corpus: people, places and organisations are invented.",
    },
    "pseudonymised_notice": {
        "fr": "Les noms des personnes sont remplacés par des pseudonymes.",
        "en": "People's names are replaced by pseudonyms.",
    },
    "no_codings": {"fr": "Aucun segment codé pour cette sélection.", "en": "No coded segment for this selection."},
    "no_items": {"fr": "Rien de tel dans cette sélection.", "en": "Nothing of the kind in this selection."},
    "codings_from_rules": {
        "fr": "Thèmes repérés par les règles de la grille de codage (codage automatique, à valider).",
        "en": "Themes found by the codebook's rules (automatic coding, to be validated).",
    },
    "codings_from_coders": {"fr": "Thèmes codés par l'équipe ({coders}).", "en": "Themes coded by the team ({coders})."},
    "keyness_method": {
        "fr": "Mots sur-représentés dans cette sélection par rapport au reste du corpus (log-vraisemblance, lemmes).",
        "en": "Words over-represented in this selection compared with the rest of the corpus (log-likelihood, lemmas).",
    },
    "gini_help": {
        "fr": "Gini : 0 quand chacun parle autant, proche de 1 quand une personne monopolise la parole.",
        "en": "Gini: 0 when everyone speaks as much, close to 1 when one person holds the floor.",
    },
    "figure": {"fr": "Figure", "en": "Figure"},
    # key figures
    "date": {"fr": "Date", "en": "Date"},
    "period": {"fr": "Période", "en": "Period"},
    "sessions": {"fr": "Séances", "en": "Sessions"},
    "people": {"fr": "Personnes", "en": "People"},
    "turns": {"fr": "Tours de parole", "en": "Turns"},
    "words": {"fr": "Mots", "en": "Words"},
    "recorded_hours": {"fr": "Durée enregistrée (h)", "en": "Recorded time (h)"},
    "session": {"fr": "Séance", "en": "Session"},
}

COLUMNS: dict[str, dict[str, str]] = {
    "doc_id": {"fr": "document", "en": "document"},
    "title": {"fr": "titre", "en": "title"},
    "date": {"fr": "date", "en": "date"},
    "language": {"fr": "langue", "en": "language"},
    "speaker": {"fr": "locuteur·rice", "en": "speaker"},
    "role": {"fr": "rôle", "en": "role"},
    "speakers": {"fr": "personnes", "en": "people"},
    "turns": {"fr": "tours de parole", "en": "turns"},
    "words": {"fr": "mots", "en": "words"},
    "n_turns": {"fr": "tours", "en": "turns"},
    "n_words": {"fr": "mots", "en": "words"},
    "n_speakers": {"fr": "personnes", "en": "people"},
    "share_words": {"fr": "part des mots", "en": "share of words"},
    "share_turns": {"fr": "part des tours", "en": "share of turns"},
    "share_time": {"fr": "part du temps", "en": "share of time"},
    "speaking_time_s": {"fr": "temps de parole (s)", "en": "speaking time (s)"},
    "gini_words": {"fr": "Gini (mots)", "en": "Gini (words)"},
    "gini_turns": {"fr": "Gini (tours)", "en": "Gini (turns)"},
    "evenness_words": {"fr": "équitabilité", "en": "evenness"},
    "facilitator_share_words": {"fr": "part de l'animation", "en": "facilitator share"},
    "participants_gini_words": {"fr": "Gini (participant·es)", "en": "Gini (participants)"},
    "top_share_words": {"fr": "part du plus bavard", "en": "top speaker share"},
    "term": {"fr": "terme", "en": "term"},
    "count": {"fr": "occurrences", "en": "count"},
    "count_target": {"fr": "ici", "en": "here"},
    "count_reference": {"fr": "ailleurs", "en": "elsewhere"},
    "log_likelihood": {"fr": "log-vraisemblance", "en": "log-likelihood"},
    "log_ratio": {"fr": "log ratio", "en": "log ratio"},
    "lafon": {"fr": "spécificité", "en": "specificity"},
    "code": {"fr": "code", "en": "code"},
    "label": {"fr": "thème", "en": "theme"},
    "segments": {"fr": "segments", "en": "segments"},
    "documents": {"fr": "documents", "en": "documents"},
    "text": {"fr": "extrait", "en": "excerpt"},
    "session": {"fr": "séance", "en": "session"},
    "percent_agreement": {"fr": "accord observé", "en": "observed agreement"},
    "cohen_kappa": {"fr": "kappa de Cohen", "en": "Cohen's kappa"},
    "fleiss_kappa": {"fr": "kappa de Fleiss", "en": "Fleiss' kappa"},
    "krippendorff_alpha": {"fr": "alpha de Krippendorff", "en": "Krippendorff's alpha"},
    "units": {"fr": "unités", "en": "units"},
    "coded_units": {"fr": "unités codées", "en": "coded units"},
    "code_a": {"fr": "code A", "en": "code A"},
    "code_b": {"fr": "code B", "en": "code B"},
    "per_1000_words": {"fr": "pour 1 000 mots", "en": "per 1,000 words"},
    "left": {"fr": "contexte gauche", "en": "left context"},
    "match": {"fr": "pivot", "en": "match"},
    "right": {"fr": "contexte droit", "en": "right context"},
    "w1": {"fr": "mot 1", "en": "word 1"},
    "w2": {"fr": "mot 2", "en": "word 2"},
    "pmi": {"fr": "PMI", "en": "PMI"},
    "value": {"fr": "valeur", "en": "value"},
    "site": {"fr": "lieu", "en": "site"},
    "session_type": {"fr": "type de séance", "en": "session type"},
    "project": {"fr": "projet", "en": "project"},
    "group": {"fr": "groupe", "en": "group"},
    "cls": {"fr": "classe", "en": "class"},
    "n_segments": {"fr": "segments", "en": "segments"},
    "percent": {"fr": "%", "en": "%"},
    "variables": {"fr": "modalités associées", "en": "associated modalities"},
    "score": {"fr": "score (khi²)", "en": "score (chi²)"},
    "rank": {"fr": "rang", "en": "rank"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``values``.

    >>> t("participants", "en")
    'Who took part'
    """
    check_option("lang", lang, LANGS, function="t")
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise ParameterError("RK-P59", f"no message {key!r} in research_kit.i18n.MESSAGES.") from None
    return text.format(**values) if values else text


def column(name: str, lang: str) -> str:
    """A table column's header in ``lang`` (the name itself when it has no translation)."""
    return COLUMNS.get(name, {}).get(lang, name)
