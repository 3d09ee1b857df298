"""Every fixed string a reader sees, in French and English: one label table.

Briefs follow their ``lang`` parameter: headings, captions and table headers all come
from :data:`MESSAGES` through :func:`t`, and table columns through :func:`column`. The
same table holds, under a prefix per user, the words the renderers print around a
brief's content (``render.``: captions, page numbers, dates), the codebook review
document (``codebook.``) and the figures' titles, axes and legends (``plot.chd.``,
``plot.coding.``, ``plot.participation.``, ``plot.textstats.``).
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
    "marginal_classes": {
        "fr": "{n} classe(s) de moins de {share} % des segments, trop petite(s) pour être lue(s) comme un thème, "
              "ne sont pas montrée(s) : {labels}.",
        "en": "{n} class(es) holding under {share} % of the segments, too small to read as a theme, are not "
              "shown: {labels}.",
    },
    "overlaps_help": {
        "fr": "Chevauchements : une personne commence à parler pendant qu'une autre parle encore ; interruption : "
              "la première s'arrête avant la seconde. Seulement pour les séances dont la transcription donne les temps.",
        "en": "Overlaps: someone starts speaking while another person is still speaking; interruption: the first "
              "one stops before the second. Only for sessions whose transcript gives times.",
    },
    "overlaps_title": {"fr": "Qui parle en même temps que qui", "en": "Who speaks over whom"},
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
    # research_kit.render: the words every format prints around a brief's content
    "render.figure": {"fr": "Figure", "en": "Figure"},
    "render.table": {"fr": "Tableau", "en": "Table"},
    "render.page": {"fr": "Page", "en": "Page"},
    "render.questions": {"fr": "Questions pour la discussion", "en": "Questions for discussion"},
    "render.question": {"fr": "Question de discussion", "en": "Discussion question"},
    "render.quote": {"fr": "Citation", "en": "Quote"},
    "render.corpus": {"fr": "Corpus", "en": "Corpus"},
    "render.generated": {"fr": "Produit le", "en": "Generated on"},
    "render.note": {"fr": "Note", "en": "Note"},
    "render.sep": {"fr": "\u00a0: ", "en": ": "},
    "render.open": {"fr": "«\u00a0", "en": "“"},
    "render.close": {"fr": "\u00a0»", "en": "”"},
    "render.untitled": {"fr": "Note de recherche", "en": "Research brief"},
    "render.cards": {"fr": "Cartes citations et questions", "en": "Quote and question cards"},
    "render.cards_intro": {
        "fr": "Imprimez sur A4 (six cartes par page) et découpez le long des pointillés.",
        "en": "Print on A4 (six cards per page) and cut along the dashed lines.",
    },
    "render.cards_suffix": {"fr": "cartes", "en": "cards"},
    "render.first_day": {"fr": "1er", "en": "1"},
    "render.month.1": {"fr": "janvier", "en": "January"},
    "render.month.2": {"fr": "février", "en": "February"},
    "render.month.3": {"fr": "mars", "en": "March"},
    "render.month.4": {"fr": "avril", "en": "April"},
    "render.month.5": {"fr": "mai", "en": "May"},
    "render.month.6": {"fr": "juin", "en": "June"},
    "render.month.7": {"fr": "juillet", "en": "July"},
    "render.month.8": {"fr": "août", "en": "August"},
    "render.month.9": {"fr": "septembre", "en": "September"},
    "render.month.10": {"fr": "octobre", "en": "October"},
    "render.month.11": {"fr": "novembre", "en": "November"},
    "render.month.12": {"fr": "décembre", "en": "December"},
    # research_kit.render.codebook: the document a team reviews its codebook in
    "codebook.untitled": {"fr": "Grille de codage", "en": "Codebook"},
    "codebook.outline": {"fr": "Vue d'ensemble", "en": "Outline"},
    "codebook.code": {"fr": "Code", "en": "Code"},
    "codebook.color": {"fr": "Couleur", "en": "Colour"},
    "codebook.languages": {"fr": "Langues", "en": "Languages"},
    "codebook.n_codes": {"fr": "{n} codes, dont {k} codables", "en": "{n} codes, {k} of them codable"},
    "codebook.definition": {"fr": "Définition", "en": "Definition"},
    "codebook.when_to_use": {"fr": "Quand l'utiliser", "en": "When to use"},
    "codebook.when_not_to_use": {"fr": "Quand ne pas l'utiliser", "en": "When not to use"},
    "codebook.examples": {"fr": "Exemples", "en": "Examples"},
    "codebook.rules": {"fr": "Règles de repérage", "en": "Matching rules"},
    "codebook.lemmas": {"fr": "lemmes", "en": "lemmas"},
    "codebook.phrases": {"fr": "expressions", "en": "phrases"},
    "codebook.patterns": {"fr": "motifs spaCy", "en": "spaCy patterns"},
    "codebook.regex": {"fr": "expressions régulières", "en": "regular expressions"},
    "codebook.folder": {
        "fr": "Dossier : regroupe des codes et ne s'applique pas lui-même.",
        "en": "Folder: groups codes and is not applied itself.",
    },
    "codebook.sep": {"fr": " ; ", "en": "; "},
    # research_kit.plots.chd: titles, axes and legends
    "plot.chd.class": {"fr": "Classe", "en": "Class"},
    "plot.chd.segments": {"fr": "des segments classés", "en": "of classified segments"},
    "plot.chd.chi2": {"fr": "Khi-deux d'association (signé)", "en": "Association chi-square (signed)"},
    "plot.chd.axis": {"fr": "Facteur", "en": "Factor"},
    "plot.chd.height_chi2": {"fr": "Khi-deux cumulé des partitions", "en": "Cumulated chi-square of the splits"},
    "plot.chd.height_steps": {"fr": "Ordre des partitions", "en": "Order of the splits"},
    "plot.chd.no_class": {"fr": "Aucune classe à afficher", "en": "No class to show"},
    "plot.chd.title": {
        "fr": "Classification descendante hiérarchique (méthode Reinert)",
        "en": "Descending hierarchical classification (Reinert method)",
    },
    "plot.chd.classified": {
        "fr": "{n} segments classés sur {total} ({share} %)",
        "en": "{n} of {total} segments classified ({share} %)",
    },
    # research_kit.plots.coding: titles, axes and legends
    "plot.coding.code": {"fr": "Code", "en": "Code"},
    "plot.coding.segments": {"fr": "Segments codés", "en": "Coded segments"},
    "plot.coding.documents": {"fr": "Documents où le code apparaît", "en": "Documents with the code"},
    "plot.coding.words": {"fr": "Mots codés", "en": "Coded words"},
    "plot.coding.count": {"fr": "Nombre", "en": "Count"},
    "plot.coding.matrix": {"fr": "Codes par {by}", "en": "Codes by {by}"},
    "plot.coding.cooccurrence": {"fr": "Codes appliqués ensemble", "en": "Codes applied together"},
    "plot.coding.cooccurrence_count": {"fr": "Co-occurrences", "en": "Co-occurrences"},
    "plot.coding.trends": {"fr": "Évolution des codes d'une séance à l'autre", "en": "Codes across sessions"},
    "plot.coding.per_1000_words": {"fr": "Segments pour 1 000 mots", "en": "Segments per 1,000 words"},
    "plot.coding.date": {"fr": "Date de la séance", "en": "Session date"},
    "plot.coding.frequencies": {"fr": "Fréquence des codes", "en": "Code frequencies"},
    "plot.coding.agreement": {"fr": "Accord entre codeur·euses par code", "en": "Agreement between coders by code"},
    "plot.coding.all": {"fr": "Ensemble des codes", "en": "All codes"},
    "plot.coding.krippendorff_alpha": {"fr": "Alpha de Krippendorff", "en": "Krippendorff's alpha"},
    "plot.coding.cohen_kappa": {"fr": "Kappa de Cohen", "en": "Cohen's kappa"},
    "plot.coding.fleiss_kappa": {"fr": "Kappa de Fleiss", "en": "Fleiss' kappa"},
    "plot.coding.percent_agreement": {"fr": "Pourcentage d'accord", "en": "Percent agreement"},
    "plot.coding.tentative": {"fr": "0,667 : conclusions provisoires", "en": "0.667: tentative conclusions"},
    "plot.coding.reliable": {"fr": "0,8 : fiable", "en": "0.8: reliable"},
    "plot.coding.undefined": {"fr": "non défini", "en": "undefined"},
    "plot.coding.no_data": {"fr": "Aucune valeur à afficher", "en": "No values to show"},
    "plot.coding.by_doc_id": {"fr": "document", "en": "document"},
    "plot.coding.by_speaker": {"fr": "locuteur·rice", "en": "speaker"},
    "plot.coding.by_role": {"fr": "rôle", "en": "role"},
    "plot.coding.by_date": {"fr": "date", "en": "date"},
    "plot.coding.by_site": {"fr": "ville", "en": "site"},
    "plot.coding.by_session_type": {"fr": "type de séance", "en": "session type"},
    "plot.coding.by_project": {"fr": "projet", "en": "project"},
    "plot.coding.by_group": {"fr": "groupe", "en": "group"},
    "plot.coding.by_coder": {"fr": "codeur·euse", "en": "coder"},
    # research_kit.plots.participation: titles, axes and legends
    "plot.participation.turns": {"fr": "Tours de parole", "en": "Turns"},
    "plot.participation.words": {"fr": "Mots", "en": "Words"},
    "plot.participation.speaking_time_s": {"fr": "Temps de parole (s)", "en": "Speaking time (s)"},
    "plot.participation.share_turns": {"fr": "Part des tours de parole", "en": "Share of turns"},
    "plot.participation.share_words": {"fr": "Part des mots", "en": "Share of words"},
    "plot.participation.share_time": {"fr": "Part du temps de parole", "en": "Share of speaking time"},
    "plot.participation.mean_turn_words": {"fr": "Mots par tour (moyenne)", "en": "Mean words per turn"},
    "plot.participation.longest_turn_words": {"fr": "Tour le plus long (mots)", "en": "Longest turn (words)"},
    "plot.participation.n_speakers": {"fr": "Nombre de locuteurs", "en": "Number of speakers"},
    "plot.participation.n_roles": {"fr": "Nombre de rôles", "en": "Number of roles"},
    "plot.participation.n_turns": {"fr": "Nombre de tours de parole", "en": "Number of turns"},
    "plot.participation.n_words": {"fr": "Nombre de mots", "en": "Number of words"},
    "plot.participation.gini_words": {
        "fr": "Inégalité de parole (Gini des mots)",
        "en": "Inequality of voice (Gini of words)",
    },
    "plot.participation.gini_turns": {
        "fr": "Inégalité de parole (Gini des tours)",
        "en": "Inequality of voice (Gini of turns)",
    },
    "plot.participation.gini_time": {
        "fr": "Inégalité de parole (Gini du temps)",
        "en": "Inequality of voice (Gini of time)",
    },
    "plot.participation.timed_share_turns": {"fr": "Part des tours horodatés", "en": "Share of timed turns"},
    "plot.participation.evenness_words": {"fr": "Équitabilité des mots (Pielou)", "en": "Evenness of words (Pielou)"},
    "plot.participation.top_share_words": {
        "fr": "Part des mots du plus loquace",
        "en": "Share of words of the most talkative",
    },
    "plot.participation.facilitator_share_words": {
        "fr": "Part des mots de l'animation",
        "en": "Facilitators' share of words",
    },
    "plot.participation.facilitator_share_turns": {
        "fr": "Part des tours de l'animation",
        "en": "Facilitators' share of turns",
    },
    "plot.participation.participants_gini_words": {
        "fr": "Inégalité entre participants (Gini des mots)",
        "en": "Inequality among participants (Gini of words)",
    },
    "plot.participation.unnamed_share_words": {
        "fr": "Part des mots non attribués",
        "en": "Share of unattributed words",
    },
    "plot.participation.date": {"fr": "Date de la séance", "en": "Session date"},
    "plot.participation.order": {"fr": "Séance (ordre du corpus)", "en": "Session (corpus order)"},
    "plot.participation.corpus": {"fr": "Ensemble du corpus", "en": "Whole corpus"},
    "plot.participation.turn_taking": {"fr": "Qui prend la parole après qui", "en": "Who speaks after whom"},
    "plot.participation.from": {"fr": "Tour précédent", "en": "Previous turn"},
    "plot.participation.to": {"fr": "Tour suivant", "en": "Next turn"},
    "plot.participation.count": {"fr": "Nombre d'enchaînements", "en": "Number of transitions"},
    "plot.participation.no_role": {"fr": "(sans rôle)", "en": "(no role)"},
    "plot.participation.unnamed": {"fr": "Locuteur non identifié (?)", "en": "Unidentified speaker (?)"},
    "plot.participation.named": {"fr": "Locuteur identifié", "en": "Identified speaker"},
    "plot.participation.no_data": {"fr": "Aucune valeur à afficher", "en": "No values to show"},
    # research_kit.plots.textstats: titles, axes and legends
    "plot.textstats.count": {"fr": "Occurrences", "en": "Count"},
    "plot.textstats.log_likelihood": {"fr": "Log-vraisemblance (signée)", "en": "Log-likelihood (signed)"},
    "plot.textstats.chi_square": {"fr": "Khi-deux (signé)", "en": "Chi-square (signed)"},
    "plot.textstats.log_ratio": {
        "fr": "Log Ratio (log2 du rapport des fréquences)",
        "en": "Log Ratio (log2 of the frequency ratio)",
    },
    "plot.textstats.percent_diff": {
        "fr": "%DIFF (écart relatif des fréquences, en %)",
        "en": "%DIFF (relative frequency difference, %)",
    },
    "plot.textstats.lafon": {"fr": "Spécificité de Lafon", "en": "Lafon's specificity"},
    "plot.textstats.over": {"fr": "Sur-représenté dans la cible", "en": "Over-represented in the target"},
    "plot.textstats.under": {"fr": "Sous-représenté dans la cible", "en": "Under-represented in the target"},
    "plot.textstats.dp": {
        "fr": "DP de Gries (0 = réparti comme le corpus, 1 = concentré)",
        "en": "Gries' DP (0 = spread like the corpus, 1 = concentrated)",
    },
    # brief sections: alt texts, fixed table cells, workshop questions
    "section.alt_share_of_words": {"fr": "Part des mots par personne\u00a0: ", "en": "Share of words by person: "},
    "section.alt_keywords": {"fr": "Mots caractéristiques\u00a0: ", "en": "Keywords: "},
    "section.concordance_of": {"fr": "{title}\u00a0: «\u00a0{query}\u00a0»", "en": "{title}: “{query}”"},
    "section.all_codes": {"fr": "(tous les codes)", "en": "(all codes)"},
    "section.percent": {"fr": "\u00a0%", "en": "%"},
    "section.n_of_m": {"fr": "({n} sur {m})", "en": "({n} of {m})"},
    "section.question.1": {"fr": "Qu'est-ce qui vous frappe dans ces extraits à propos de «\u00a0{label}\u00a0»\u00a0?",
                           "en": "What strikes you in these quotes about “{label}”?"},
    "section.question.2": {"fr": "Où en êtes-vous dans votre pratique\u00a0: qu'est-ce qui ressemble, qu'est-ce qui "
                                 "diffère\u00a0?",
                           "en": "Where is your own practice: what is similar, what differs?"},
    "section.question.3": {"fr": "Quelles conditions aideraient votre équipe sur ce thème\u00a0?",
                           "en": "What conditions would help your team on this theme?"},
    "section.question.4": {"fr": "Qu'aimeriez-vous essayer d'ici la prochaine rencontre\u00a0?",
                           "en": "What would you like to try before the next meeting?"},
    "show.unnamed_speaker": {"fr": "locuteur·rice non identifié·e", "en": "unidentified speaker"},
    # pseudonyms and the tokens that replace contact details (they land in the pseudonymised text)
    "pseudonym.participant": {"fr": "Participant·e", "en": "Participant"},
    "pseudonym.person": {"fr": "Personne", "en": "Person"},
    "pseudonym.place": {"fr": "lieu", "en": "place"},
    "pseudonym.organisation": {"fr": "organisation", "en": "organisation"},
    "pseudonym.email": {"fr": "[courriel]", "en": "[email]"},
    "pseudonym.phone": {"fr": "[téléphone]", "en": "[phone]"},
    "pseudonym.address": {"fr": "[adresse]", "en": "[address]"},
    "pseudonym.postal_code": {"fr": "[code postal]", "en": "[postal code]"},
    "pseudonym.first": {"fr": "[prénom]", "en": "[first name]"},
    "pseudonym.last": {"fr": "[nom]", "en": "[last name]"},
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
    "over": {"fr": "pendant que parle", "en": "while speaking"},
    "overlaps": {"fr": "chevauchements", "en": "overlaps"},
    "interruptions": {"fr": "interruptions", "en": "interruptions"},
    "overlap_s": {"fr": "parole simultanée (s)", "en": "simultaneous speech (s)"},
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
