"""Every fixed string a reader sees, in French and English: one label table.

Briefs follow their ``lang`` parameter: headings, captions and table headers all come
from :data:`MESSAGES` through :func:`t`, and table columns through :func:`column`. The
same table holds, under a prefix per user, the words the renderers print around a
brief's content (``render.``: captions, page numbers, dates), the codebook review
document (``codebook.``) and the figures' titles, axes and legends (``plot.chd.``,
``plot.coding.``, ``plot.participation.``, ``plot.textstats.``).

Numbers, dates and durations are written here too, for each language and without the
system locale (a French brief on an English machine still reads "0,42", "4 h 36 min",
"mars 2025"): :func:`number`, :func:`percent`, :func:`duration`, :func:`month`. Common
role labels and variable values of French and English corpora are translated by
:func:`term` (``médiateur·rice`` → ``mediator`` in an English brief); a label the
table does not know is shown as written.
"""

from __future__ import annotations

from .errors import ParameterError, check_option

__all__ = ["t", "column", "term", "number", "percent", "duration", "month", "MESSAGES", "COLUMNS", "TERMS",
           "LANGS"]

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
    "pseudonymised_notice.persons": {
        "fr": "Les noms des personnes sont remplacés par des pseudonymes ; les lieux et les organisations restent "
              "tels qu'ils ont été dits.",
        "en": "People's names are replaced by pseudonyms; places and organisations are left as they were said.",
    },
    "pseudonymised_notice.local": {
        "fr": "Les noms des personnes sont remplacés par des pseudonymes, et les rues, équipements de quartier, "
              "organisations, petites localités et dates de naissance par leur catégorie ([rue 1], [école 2]…).",
        "en": "People's names are replaced by pseudonyms, and streets, local facilities, organisations, small "
              "places and dates of birth by their kind ([street 1], [school 2]…).",
    },
    "pseudonymised_notice.strict": {
        "fr": "Les noms des personnes sont remplacés par des pseudonymes, et tout lieu, organisation, âge ou "
              "profession liée à un lieu par sa catégorie ([rue 1], [âge]…).",
        "en": "People's names are replaced by pseudonyms, and every place, organisation, age and occupation tied "
              "to a place by its kind ([street 1], [age]…).",
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
        "fr": "Inégalité de parole : 0 quand chacun parle autant, proche de 1 quand une personne monopolise la parole.",
        "en": "Inequality of voice: 0 when everyone speaks as much, close to 1 when one person holds the floor.",
    },
    "marginal_classes": {
        "fr": "{n} classe(s) de moins de {share}\u00a0% des segments, trop petite(s) pour être lue(s) comme un thème : "
              "{labels}. Elles figurent dans le tableau, sans extrait.",
        "en": "{n} class(es) holding under {share}% of the segments, too small to read as a theme: {labels}. "
              "They are in the table, without a quote.",
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
    "recorded_time": {"fr": "Durée enregistrée", "en": "Recorded time"},
    "timed_sessions": {"fr": "Séances horodatées", "en": "Timed sessions"},
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
        "fr": "{n} segments classés sur {total} ({share}\u00a0%)",
        "en": "{n} of {total} segments classified ({share}%)",
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
    "plot.participation.evenness_words": {
        "fr": "Équilibre de la parole (1 = tous autant ; Pielou)",
        "en": "Balance of voice (1 = all equal; Pielou)",
    },
    "plot.participation.top_share_words": {
        "fr": "Part des mots de la personne qui a le plus parlé",
        "en": "Share of words of the person who spoke most",
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
    "plot.textstats.over": {"fr": "Plus fréquent dans la sélection", "en": "More frequent in the selection"},
    "plot.textstats.under": {"fr": "Moins fréquent dans la sélection", "en": "Less frequent in the selection"},
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
    # what a brief says about its own lists: nothing left out without saying so (research_kit.briefs.sections)
    "section.appendix": {"fr": "Annexe {ref} — {title}", "en": "Appendix {ref} — {title}"},
    "section.rows_shown": {"fr": "{n} lignes sur {m}", "en": "{n} of {m} rows shown"},
    "section.rest_in": {"fr": " ; toutes en annexe {ref}", "en": "; all in appendix {ref}"},
    "section.n_of_m_total": {"fr": "{n} sur {m}", "en": "{n} of {m}"},
    "section.top_themes": {"fr": "Extraits ci-dessous pour les {n} thèmes les plus codés, sur {m}.",
                           "en": "Quotes below for the {n} most coded themes of {m}."},
    "section.top_keywords": {
        "fr": "Les {n} mots les plus caractéristiques, sur {m} plus fréquents ici qu'ailleurs.",
        "en": "The {n} most characteristic words, of {m} more frequent here than elsewhere.",
    },
    "section.top_words": {"fr": "Les {n} mots les plus fréquents, sur {m} mots différents.",
                          "en": "The {n} most frequent words, of {m} different words."},
    "section.top_pairs": {"fr": "Les {n} paires les plus fréquentes, sur {m}.", "en": "The {n} most frequent pairs of {m}."},
    "section.speakers_shown": {"fr": "{n} locuteur·rices sur {m} ; les autres ont moins parlé.",
                               "en": "{n} of {m} speakers; the others spoke less."},
    "section.quoted_above": {"fr": "{m} au total, déjà cité(s) plus haut", "en": "{m} in all, quoted above already"},
    "section.quotes_shown": {"fr": "{n} extraits choisis sur {m}", "en": "{n} quotes chosen of {m}"},
    "section.all_in_appendix": {"fr": " ; tous en annexe {ref}.", "en": "; all in appendix {ref}."},
    "section.all_in_register": {"fr": " ; tous dans le registre ci-dessous.", "en": "; all in the register below."},
    "section.all_shown": {"fr": ".", "en": "."},
    "section.quotes_per_group": {
        "fr": "Au plus {k} extrait(s) par {by}, parmi {m} passages codés.",
        "en": "At most {k} quote(s) per {by}, of {m} coded passages.",
    },
    "section.one_per_role": {"fr": "Un extrait par rôle : {n} rôles sur {m}.", "en": "One quote per role: {n} roles of {m}."},
    "section.facilitators_left_out": {
        "fr": "Les propositions de l'animation ({roles}) ne sont pas reprises : elles orientent la séance, ce ne sont "
              "pas des demandes.",
        "en": "The facilitators' proposals ({roles}) are left out: they steer the session, they are not requests.",
    },
    "section.register_intro": {
        "fr": "Toutes les recommandations et tous les besoins exprimés par les participant·es : {n} au total, séance "
              "par séance.",
        "en": "Every recommendation and need voiced by participants: {n} in all, session by session.",
    },
    "section.register_none": {"fr": "Aucune recommandation ni aucun besoin repéré dans cette séance.",
                              "en": "No recommendation or need found in this session."},
    "section.appendix.requests": {"fr": "Toutes les recommandations et tous les besoins",
                                  "en": "Every recommendation and need"},
    "section.appendix.questions": {"fr": "Toutes les questions des participant·es",
                                   "en": "Every question participants raised"},
    "section.appendix.overlaps": {"fr": "Toutes les paroles simultanées", "en": "All overlapping speech"},
    "section.appendix.concordance": {"fr": "Toutes les lignes de la concordance", "en": "Every concordance line"},
    "section.appendix.coder_totals": {"fr": "Codes appliqués par chaque codeur·euse, tous documents",
                                      "en": "Codes each coder applied, all documents"},
    "section.kind.recommendation": {"fr": "recommandation", "en": "recommendation"},
    "section.kind.need": {"fr": "besoin", "en": "need"},
    "section.kind.question": {"fr": "question", "en": "question"},
    "section.session_heading": {"fr": "{title} ({date})", "en": "{title} ({date})"},
    # honest figures: thin evidence is flagged
    "section.too_few_units": {
        "fr": "trop peu d'unités codées ({n} < {min})",
        "en": "too few coded units ({n} < {min})",
    },
    "section.agreement_documents": {
        "fr": "Accord calculé sur les {n} documents codés par tous les codeur·euses : {docs}.",
        "en": "Agreement computed on the {n} documents every coder coded: {docs}.",
    },
    "section.agreement_documents.one": {
        "fr": "Accord calculé sur le seul document codé par tous les codeur·euses : {docs}.",
        "en": "Agreement computed on the one document every coder coded: {docs}.",
    },
    "section.counted_documents": {
        "fr": "Codes comptés sur les {n} documents codés par tous les codeur·euses : {docs}.",
        "en": "Codes counted on the {n} documents every coder coded: {docs}.",
    },
    "section.counted_documents.one": {
        "fr": "Codes comptés sur le seul document codé par tous les codeur·euses : {docs}.",
        "en": "Codes counted on the one document every coder coded: {docs}.",
    },
    "section.coders_differ": {
        "fr": "Les codeur·euses n'ont pas codé les mêmes documents ({detail}) : leurs totaux ne se comparent pas. "
              "Le tableau compte seulement les {n} documents codés par tous ; les totaux de chacun sur tous ses "
              "documents sont en annexe {ref}.",
        "en": "The coders did not code the same documents ({detail}): their totals do not compare. The table counts "
              "only the {n} documents every coder coded; each coder's totals over all their documents are in "
              "appendix {ref}.",
    },
    "section.coders_differ.one": {
        "fr": "Les codeur·euses n'ont pas codé les mêmes documents ({detail}) : leurs totaux ne se comparent pas. "
              "Le tableau compte seulement le document codé par tous ; les totaux de chacun sur tous ses "
              "documents sont en annexe {ref}.",
        "en": "The coders did not code the same documents ({detail}): their totals do not compare. The table counts "
              "only the one document every coder coded; each coder's totals over all their documents are in "
              "appendix {ref}.",
    },
    "section.coders_no_shared": {
        "fr": "Les codeur·euses n'ont codé aucun document en commun ({detail}) : leurs totaux ne se comparent pas.",
        "en": "The coders coded no document in common ({detail}): their totals do not compare.",
    },
    "section.coder_documents": {"fr": "{coder} : {n} documents", "en": "{coder}: {n} documents"},
    "section.coder_documents.one": {"fr": "{coder} : 1 document", "en": "{coder}: 1 document"},
    "section.disagreements_intro": {
        "fr": "{n} désaccords sur {k} unités ({unit}), séance par séance : pour chaque unité, les codes qu'un·e "
              "codeur·euse a appliqués et pas l'autre.",
        "en": "{n} disagreements on {k} units ({unit}), session by session: for each unit, the codes one coder "
              "applied and another did not.",
    },
    "section.unit.turn": {"fr": "tours de parole", "en": "turns"},
    "section.unit.sentence": {"fr": "phrases", "en": "sentences"},
    "section.unit.window": {"fr": "fenêtres de mots", "en": "word windows"},
    "section.unit.character": {"fr": "caractères", "en": "characters"},
    "section.class_too_small": {
        "fr": "trop petite pour être lue comme un thème (moins de {share}\u00a0% des segments)",
        "en": "too small to read as a theme (under {share}% of the segments)",
    },
    "section.evidence.strong": {"fr": "très solide", "en": "strong"},
    "section.evidence.good": {"fr": "solide", "en": "good"},
    "section.evidence.weak": {"fr": "à confirmer", "en": "tentative"},
    "section.none": {"fr": "–", "en": "–"},
    # "how to read these numbers": plain words beside the figures
    "read.title": {"fr": "Comment lire ces chiffres", "en": "How to read these numbers"},
    "read.voice.inequality": {
        "fr": "Inégalité de parole : 0 quand chaque personne a dit autant de mots, près de 1 quand une seule personne "
              "a presque tout dit. Au-dessus de 0,4, quelques voix dominent.",
        "en": "Inequality of voice: 0 when every person said as many words, close to 1 when one person said almost "
              "everything. Above 0.4, a few voices dominate.",
    },
    "read.voice.top": {
        "fr": "Part de la personne qui a le plus parlé : la part des mots dite par une seule personne. Avec 10 "
              "personnes, une parole partagée également donnerait 10\u00a0% chacune.",
        "en": "Share of the person who spoke most: the share of the words one person said. With 10 people, an even "
              "floor would give each 10%.",
    },
    "read.voice.facilitators": {
        "fr": "Part de l'animation : la part des mots dite par les personnes qui animent. L'inégalité entre "
              "participant·es laisse l'animation de côté.",
        "en": "Facilitators' share: the share of the words said by the people who facilitate. Inequality among "
              "participants leaves the facilitators out.",
    },
    "read.keyness.counts": {
        "fr": "Ici, ailleurs : combien de fois le mot a été dit dans cette sélection, et dans les autres séances de "
              "la même langue.",
        "en": "Here, elsewhere: how many times the word was said in this selection, and in the other sessions in "
              "the same language.",
    },
    "read.keyness.times": {
        "fr": "Fois plus fréquent : combien de fois plus souvent le mot revient ici, à nombre de mots égal.",
        "en": "Times more frequent: how many times more often the word comes up here, for the same number of words.",
    },
    "read.keyness.evidence": {
        "fr": "Solidité : « très solide » quand une telle différence arriverait par hasard moins d'une fois sur "
              "10\u00a0000, « solide » moins d'une fois sur 100 ; « à confirmer » sinon.",
        "en": "Strength of evidence: \u201cstrong\u201d when chance would give such a difference less than once in 10,000, "
              "\u201cgood\u201d less than once in 100; \u201ctentative\u201d otherwise.",
    },
    "read.agreement.observed": {
        "fr": "Accord observé : la part des unités où les codeur·euses ont pris la même décision (appliquer le code ou "
              "non). Elle est forte pour un code rare, car presque personne ne l'applique : ne la lisez pas seule.",
        "en": "Observed agreement: the share of units where the coders made the same decision (to apply the code or "
              "not). It is high for a rare code, since almost nobody applies it: do not read it alone.",
    },
    "read.agreement.kappa": {
        "fr": "Kappa et alpha : l'accord au-delà du hasard. 1 : accord parfait ; 0 : pas mieux que le hasard. "
              "À partir de 0,8 on peut s'y fier ; entre 0,667 et 0,8, conclusions provisoires (Krippendorff).",
        "en": "Kappa and alpha: agreement beyond chance. 1: perfect agreement; 0: no better than chance. From 0.8 "
              "it can be relied on; between 0.667 and 0.8, tentative conclusions only (Krippendorff).",
    },
    "read.agreement.units": {
        "fr": "Un code appliqué à moins de {min} unités est signalé « trop peu d'unités codées » : une seule décision "
              "de plus ou de moins y déplace le coefficient d'environ {step} ou plus. Ne l'interprétez pas.",
        "en": "A code applied to fewer than {min} units is flagged \u201ctoo few coded units\u201d: one decision more or "
              "less moves its coefficient by about {step} or more. Do not interpret it.",
    },
    # figures: month names and decimal marks written without the system locale
    "plot.month.1": {"fr": "janv.", "en": "Jan"},
    "plot.month.2": {"fr": "févr.", "en": "Feb"},
    "plot.month.3": {"fr": "mars", "en": "Mar"},
    "plot.month.4": {"fr": "avr.", "en": "Apr"},
    "plot.month.5": {"fr": "mai", "en": "May"},
    "plot.month.6": {"fr": "juin", "en": "Jun"},
    "plot.month.7": {"fr": "juil.", "en": "Jul"},
    "plot.month.8": {"fr": "août", "en": "Aug"},
    "plot.month.9": {"fr": "sept.", "en": "Sep"},
    "plot.month.10": {"fr": "oct.", "en": "Oct"},
    "plot.month.11": {"fr": "nov.", "en": "Nov"},
    "plot.month.12": {"fr": "déc.", "en": "Dec"},
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
    # what numbers a place found by its kind ("[rue 1]", "[école 2]"), and the details' tokens
    "pseudonym.street": {"fr": "rue", "en": "street"},
    "pseudonym.school": {"fr": "école", "en": "school"},
    "pseudonym.community_centre": {"fr": "centre communautaire", "en": "community centre"},
    "pseudonym.housing": {"fr": "immeuble", "en": "housing"},
    "pseudonym.service": {"fr": "service", "en": "service"},
    "pseudonym.childcare": {"fr": "garderie", "en": "childcare centre"},
    "pseudonym.worship": {"fr": "lieu de culte", "en": "place of worship"},
    "pseudonym.library": {"fr": "bibliothèque", "en": "library"},
    "pseudonym.park": {"fr": "parc", "en": "park"},
    "pseudonym.age": {"fr": "[âge]", "en": "[age]"},
    "pseudonym.birth_date": {"fr": "[date de naissance]", "en": "[date of birth]"},
    "pseudonym.occupation": {"fr": "[métier]", "en": "[occupation]"},
    # the research-kit command's own lines (cli.py)
    'cli.done': {'en': 'done', 'fr': 'fait'},
    'cli.skipped': {'en': 'skipped', 'fr': 'inchangé'},
    'cli.failed': {'en': 'FAILED', 'fr': 'ÉCHEC'},
    'cli.at_cell': {'en': ' at cell {cell}', 'fr': ', cellule {cell}'},
    'cli.sep': {'en': ': ', 'fr': ' : '},
    'cli.totals': {'en': '{done} done, {skipped} unchanged, {failed} failed', 'fr': '{done} fait{s_done}, {skipped} inchangé{s_skipped}, {failed} en échec'},
    'cli.index': {'en': 'index of the briefs: {path}', 'fr': 'sommaire des notes : {path}'},
    'cli.stage.check': {'en': 'checking the parameters and the corpus', 'fr': 'vérification des paramètres et du corpus'},
    'cli.stage.prepare': {'en': 'annotation cache', 'fr': "cache d'annotation"},
    'cli.stage.kernel': {'en': 'starting the kernel', 'fr': 'démarrage du noyau'},
    'cli.stage.kernel_again': {'en': 'starting the kernel (attempt {step} of {total})', 'fr': 'démarrage du noyau (essai {step} sur {total})'},
    'cli.stage.cell': {'en': 'cell {step}/{total}: {detail}', 'fr': 'cellule {step}/{total} : {detail}'},
    'cli.stage.render': {'en': 'rendering {detail}', 'fr': 'mise en forme : {detail}'},
    'cli.nb.parameters': {'en': 'parameters', 'fr': 'paramètres'},
    'cli.nb.none': {'en': "(no cell tagged 'parameters')", 'fr': '(aucune cellule marquée « parameters »)'},
    'cli.nb.run': {'en': 'Run one: research-kit brief {path} --corpus CORPUS -p NAME VALUE …', 'fr': 'Pour en produire une : research-kit brief {path} --corpus CORPUS -p NOM VALEUR …'},
    # the index page of a folder of briefs (briefs.runner.write_index)
    'index.heading': {'fr': 'Notes de recherche', 'en': 'Research briefs'},
    'index.kind.session': {'fr': 'Séances', 'en': 'Sessions'},
    'index.kind.process': {'fr': 'Processus participatifs', 'en': 'Participatory processes'},
    'index.kind.theme': {'fr': 'Thèmes', 'en': 'Themes'},
    'index.kind.coding_review': {'fr': 'Revue du codage', 'en': 'Coding review'},
    'index.kind.explorer': {'fr': 'Explorer le corpus', 'en': 'Corpus explorer'},
    'index.kind.other': {'fr': 'Autres notes', 'en': 'Other briefs'},
    'index.failed': {'fr': "Notes qui n'ont pas abouti", 'en': 'Briefs that failed'},
    'index.failed_intro': {'fr': "Leur dernière exécution a échoué. La version précédente, s'il y en a une, reste en place et figure plus bas ; le journal dit ce qui s'est passé.", 'en': 'Their last run failed. The previous version, if there is one, is still in place and listed below; the log says what happened.'},
    'index.previous': {'fr': 'version précédente', 'en': 'previous version'},
    'index.stale': {'fr': 'Dernière exécution en échec : version précédente.', 'en': 'Last run failed: previous version.'},
    'index.log': {'fr': 'journal', 'en': 'log'},
    'index.cell': {'fr': 'cellule', 'en': 'cell'},
    'index.missing': {'fr': 'fichiers absents du dossier', 'en': 'files missing from the folder'},
    'index.count': {'fr': '{n} notes', 'en': '{n} briefs'},
    'index.count_one': {'fr': '1 note', 'en': '1 brief'},
    'index.written': {'fr': 'mis à jour le {date}', 'en': 'updated {date}'},
    'index.contents': {'fr': 'Sommaire', 'en': 'Contents'},
    'index.formats': {'fr': 'Formats', 'en': 'Formats'},
    'index.lang.fr': {'fr': 'français', 'en': 'French'},
    'index.lang.en': {'fr': 'anglais', 'en': 'English'},
    'index.format.html': {'fr': 'Page web', 'en': 'Web page'},
    'index.format.docx': {'fr': 'Word', 'en': 'Word'},
    'index.format.pdf': {'fr': 'PDF', 'en': 'PDF'},
    'index.format.md': {'fr': 'Markdown', 'en': 'Markdown'},
    'index.format.pptx': {'fr': 'Diapositives', 'en': 'Slides'},
    'index.format.cards': {'fr': 'Cartes (PDF)', 'en': 'Cards (PDF)'},
    'index.format.cards-html': {'fr': 'Cartes (web)', 'en': 'Cards (web)'},
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
    "gini_words": {"fr": "inégalité de parole (0 à 1)", "en": "inequality of voice (0 to 1)"},
    "gini_turns": {"fr": "inégalité des tours (0 à 1)", "en": "inequality of turns (0 to 1)"},
    "evenness_words": {"fr": "équilibre de la parole (1 = tous autant)", "en": "balance of voice (1 = all equal)"},
    "facilitator_share_words": {"fr": "part de l'animation", "en": "facilitators' share"},
    "participants_gini_words": {"fr": "inégalité entre participant·es (0 à 1)",
                                "en": "inequality among participants (0 to 1)"},
    "top_share_words": {"fr": "part de la personne qui a le plus parlé", "en": "share of the person who spoke most"},
    "over": {"fr": "pendant que parle", "en": "while speaking"},
    "overlaps": {"fr": "chevauchements", "en": "overlaps"},
    "interruptions": {"fr": "interruptions", "en": "interruptions"},
    "overlap_s": {"fr": "parole simultanée (s)", "en": "simultaneous speech (s)"},
    "term": {"fr": "terme", "en": "term"},
    "count": {"fr": "occurrences", "en": "count"},
    "count_target": {"fr": "ici", "en": "here"},
    "count_reference": {"fr": "ailleurs", "en": "elsewhere"},
    "log_likelihood": {"fr": "log-vraisemblance", "en": "log-likelihood"},
    "log_ratio": {"fr": "rapport des fréquences (log2)", "en": "frequency ratio (log2)"},
    "times_more": {"fr": "fois plus fréquent ici", "en": "times more frequent here"},
    "evidence": {"fr": "solidité", "en": "strength of evidence"},
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
    "note": {"fr": "remarque", "en": "note"},
    "doc_freq": {"fr": "documents", "en": "documents"},
    "kind": {"fr": "type", "en": "type"},
    "n_recommendations": {"fr": "recommandations", "en": "recommendations"},
    "n_needs": {"fr": "besoins", "en": "needs"},
    "n_documents": {"fr": "documents", "en": "documents"},
    "disagreements": {"fr": "désaccords", "en": "disagreements"},
}

# Role labels and variable values that French and English corpora commonly use, in both languages
# (keys casefolded). A label that is not here is shown as written.
TERMS: dict[str, dict[str, str]] = {
    # roles of French corpora
    "médiateur·rice": {"fr": "médiateur·rice", "en": "mediator"},
    "médiateur": {"fr": "médiateur", "en": "mediator"},
    "médiatrice": {"fr": "médiatrice", "en": "mediator"},
    "habitant·e": {"fr": "habitant·e", "en": "resident"},
    "habitant": {"fr": "habitant", "en": "resident"},
    "habitante": {"fr": "habitante", "en": "resident"},
    "animateur·rice": {"fr": "animateur·rice", "en": "facilitator"},
    "animateur": {"fr": "animateur", "en": "facilitator"},
    "animatrice": {"fr": "animatrice", "en": "facilitator"},
    "co-animateur·rice": {"fr": "co-animateur·rice", "en": "co-facilitator"},
    "agent·e communal·e": {"fr": "agent·e communal·e", "en": "municipal officer"},
    "élu·e": {"fr": "élu·e", "en": "elected official"},
    "représentant·e associatif·ve": {"fr": "représentant·e associatif·ve", "en": "community group representative"},
    "coordonnatrice": {"fr": "coordonnatrice", "en": "coordinator"},
    "coordonnateur": {"fr": "coordonnateur", "en": "coordinator"},
    "coordinateur·rice": {"fr": "coordinateur·rice", "en": "coordinator"},
    "conseillère en développement de pratiques": {"fr": "conseillère en développement de pratiques",
                                                  "en": "practice development advisor"},
    "directrice générale": {"fr": "directrice générale", "en": "executive director"},
    "directeur général": {"fr": "directeur général", "en": "executive director"},
    "intervenant·e": {"fr": "intervenant·e", "en": "practitioner"},
    "participant·e": {"fr": "participant·e", "en": "participant"},
    "chercheur·euse": {"fr": "chercheur·euse", "en": "researcher"},
    "bénévole": {"fr": "bénévole", "en": "volunteer"},
    # roles of English corpora
    "mediator": {"fr": "médiateur·rice", "en": "mediator"},
    "community worker": {"fr": "intervenant·e communautaire", "en": "community worker"},
    "facilitator": {"fr": "animateur·rice", "en": "facilitator"},
    "funder": {"fr": "bailleur de fonds", "en": "funder"},
    "evaluator": {"fr": "évaluateur·rice", "en": "evaluator"},
    "resident": {"fr": "habitant·e", "en": "resident"},
    "councillor": {"fr": "élu·e", "en": "councillor"},
    "researcher": {"fr": "chercheur·euse", "en": "researcher"},
    "volunteer": {"fr": "bénévole", "en": "volunteer"},
    "coordinator": {"fr": "coordonnateur·rice", "en": "coordinator"},
    # values of document variables
    "atelier participatif": {"fr": "atelier participatif", "en": "participatory workshop"},
    "communauté de pratique": {"fr": "communauté de pratique", "en": "community of practice"},
    "retraite": {"fr": "retraite", "en": "retreat"},
    "habitants": {"fr": "habitants", "en": "residents"},
    "médiation": {"fr": "médiation", "en": "mediation"},
    "partenaires": {"fr": "partenaires", "en": "partners"},
    "public consultation": {"fr": "consultation publique", "en": "public consultation"},
    "team meeting": {"fr": "réunion d'équipe", "en": "team meeting"},
    "funder debrief": {"fr": "bilan avec le bailleur de fonds", "en": "funder debrief"},
    "online": {"fr": "en ligne", "en": "online"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``values``.

    With ``n=1`` among the values, the message ``key + ".one"`` is used where there is one
    (the singular: "1 document", not "1 documents").

    >>> t("participants", "en")
    'Who took part'
    >>> t("section.coder_documents", "fr", coder="camille", n=1)
    'camille : 1 document'
    """
    check_option("lang", lang, LANGS, function="t")
    if values.get("n") == 1 and f"{key}.one" in MESSAGES:
        key = f"{key}.one"
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise ParameterError("RK-P59", f"no message {key!r} in research_kit.i18n.MESSAGES.") from None
    return text.format(**values) if values else text


def column(name: str, lang: str) -> str:
    """A table column's header in ``lang`` (the name itself when it has no translation)."""
    return COLUMNS.get(name, {}).get(lang, name)


def term(value: object, lang: str) -> object:
    """A role label or a variable value in ``lang``, from :data:`TERMS`; anything else unchanged.

    >>> term("médiateur·rice", "en"), term("community worker", "fr"), term("Bruxelles", "en")
    ('mediator', 'intervenant·e communautaire', 'Bruxelles')
    """
    if not isinstance(value, str):
        return value
    found = TERMS.get(" ".join(value.split()).casefold())
    return found.get(lang, value) if found else value


def number(value: float, lang: str, *, decimals: int = 2) -> str:
    """``value`` with ``decimals`` decimals, as ``lang`` writes it: ``0,42`` and ``1\u202f234,5`` in French.

    >>> number(1234.5, "fr", decimals=1), number(1234.5, "en", decimals=1), number(-0.001, "fr")
    ('1\u202f234,5', '1,234.5', '0,00')
    """
    text = f"{float(value) + 0.0:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # no "-0.00"
        text = text.lstrip("-")
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(share: float, lang: str, *, decimals: int = 0) -> str:
    """A share (0–1) as a percentage: ``42\u00a0%`` in French, ``42%`` in English."""
    text = number(100 * float(share), lang, decimals=decimals)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def duration(seconds: float, *, space: str = " ") -> str:
    """A duration in hours and minutes: ``4 h 36 min``, ``51 min``, ``2 h``; ``45 s`` under a minute.

    The same in French and English (SI symbols); ``space`` goes between numbers and units
    (a no-break space in a brief, so that "4 h" never breaks across lines).

    >>> duration(16560), duration(3060), duration(7200), duration(45)
    ('4 h 36 min', '51 min', '2 h', '45 s')
    """
    seconds = float(seconds)
    if seconds < 59.5:
        return f"{round(seconds)}{space}s"
    minutes = int(round(seconds / 60))
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}{space}min"
    return f"{hours}{space}h" + (f"{space}{rest}{space}min" if rest else "")


def month(n: int, lang: str) -> str:
    """The short name of month ``n`` (1–12) in ``lang``: ``mars``, ``févr.``; ``Mar``, ``Feb``."""
    return t(f"plot.month.{int(n)}", lang)
