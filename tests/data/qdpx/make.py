"""Build the small REFI-QDA test projects of this folder from the XML written below.

Run ``python tests/data/qdpx/make.py`` from the repository's root to write them again;
``tests/test_qda.py`` checks that the committed files are exactly what this script
builds. Each file reproduces one thing the standard says, or one deviation that QDA
programs really write, or one hostile archive. Positions are written by hand and
checked here against the text they point at, in the counting each file claims.

Zips are deterministic (fixed dates, fixed order), so the files never change unless
this script does.
"""

from __future__ import annotations

import codecs
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
FIXED = (1980, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------- standard.qdpx
# Everything a small project can hold, written as the standard says (this project.qde
# validates against Project.xsd): users, nested codes with a folder, colours and
# descriptions, two codes named "Fatigue" under different parents, variables on a
# case and on a source, codings by coding user and by selection user, a coding memo,
# an annotation, a note on a selection, a code and the project, a free memo, a source
# coded as a whole, and what the workbench drops: a PDF source, a link and a set.

STANDARD_TEXT = ("On est épuisés, vraiment.\nLes gens nous appellent le soir.\n\n"
                 "Heureusement, on se soutient entre nous.\n\nLes usagers sont fatigués aussi.\n")

STANDARD_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Démo standard" origin="Hand-written from REFI-QDA 1.5"
         creatingUserGUID="6f1c2a10-0000-4000-8000-000000000001">
  <Users>
    <User guid="6f1c2a10-0000-4000-8000-000000000001" name="Ana"/>
    <User guid="6f1c2a10-0000-4000-8000-000000000002" name="Ben"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="c0de0000-0000-4000-8000-000000000001" name="Équipe" isCodable="false" color="#0072B2">
        <Description>Ce qui touche l'équipe.</Description>
        <Code guid="c0de0000-0000-4000-8000-000000000002" name="Fatigue" isCodable="true" color="#D55E00">
          <Description>Épuisement, surcharge.</Description>
        </Code>
        <Code guid="c0de0000-0000-4000-8000-000000000003" name="Soutien" isCodable="true">
          <NoteRef targetGUID="a0000000-0000-4000-8000-000000000005"/>
        </Code>
      </Code>
      <Code guid="c0de0000-0000-4000-8000-000000000004" name="Usagers" isCodable="true" color="#E69F00">
        <Code guid="c0de0000-0000-4000-8000-000000000005" name="Fatigue" isCodable="true"/>
      </Code>
    </Codes>
  </CodeBook>
  <Variables>
    <Variable guid="7a000000-0000-4000-8000-000000000001" name="site" typeOfVariable="Text"/>
    <Variable guid="7a000000-0000-4000-8000-000000000002" name="date" typeOfVariable="Date"/>
    <Variable guid="7a000000-0000-4000-8000-000000000003" name="participants" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="ca5e0000-0000-4000-8000-000000000001" name="entrevue">
      <VariableValue>
        <VariableRef targetGUID="7a000000-0000-4000-8000-000000000001"/>
        <TextValue>Montréal</TextValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="7a000000-0000-4000-8000-000000000002"/>
        <DateValue>2025-01-22</DateValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="7a000000-0000-4000-8000-000000000003"/>
        <IntegerValue>3</IntegerValue>
      </VariableValue>
      <SourceRef targetGUID="50000000-0000-4000-8000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="50000000-0000-4000-8000-000000000001" name="entrevue.txt"
                plainTextPath="internal://50000000-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="5e100000-0000-4000-8000-000000000001" name="On est épuisés"
                          startPosition="0" endPosition="14">
        <Coding guid="c0d10000-0000-4000-8000-000000000001" creatingUser="6f1c2a10-0000-4000-8000-000000000001"
                creationDateTime="2025-02-01T10:00:00Z">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-000000000002"/>
          <NoteRef targetGUID="a0000000-0000-4000-8000-000000000001"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-000000000002" name="Les gens nous appellent le soir."
                          startPosition="26" endPosition="58" creatingUser="6f1c2a10-0000-4000-8000-000000000002">
        <Description>À vérifier avec l'équipe.</Description>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-000000000003" name="Heureusement, on se soutient entre nous."
                          startPosition="60" endPosition="100" creatingUser="6f1c2a10-0000-4000-8000-000000000002"
                          creationDateTime="2025-02-02T09:30:00Z">
        <Coding guid="c0d10000-0000-4000-8000-000000000002">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-000000000003"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-000000000004" name="Les usagers sont fatigués aussi."
                          startPosition="102" endPosition="134">
        <Description>Parle des usagers, pas de l'équipe.</Description>
        <Coding guid="c0d10000-0000-4000-8000-000000000003" creatingUser="6f1c2a10-0000-4000-8000-000000000001">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-000000000005"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-000000000005" name="vraiment" startPosition="16" endPosition="24">
        <NoteRef targetGUID="a0000000-0000-4000-8000-000000000002"/>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="50000000-0000-4000-8000-000000000002" name="notes-terrain">
      <PlainTextContent>Observation : la salle était pleine.</PlainTextContent>
      <Coding guid="c0d10000-0000-4000-8000-000000000004" creatingUser="6f1c2a10-0000-4000-8000-000000000002">
        <CodeRef targetGUID="c0de0000-0000-4000-8000-000000000003"/>
      </Coding>
      <VariableValue>
        <VariableRef targetGUID="7a000000-0000-4000-8000-000000000001"/>
        <TextValue>Liège</TextValue>
      </VariableValue>
    </TextSource>
    <PDFSource guid="50000000-0000-4000-8000-000000000003" name="rapport.pdf"
               path="internal://50000000-0000-4000-8000-000000000003.pdf">
      <PDFSelection guid="5e100000-0000-4000-8000-000000000006" page="1" firstX="10" firstY="10" secondX="90" secondY="40">
        <Coding guid="c0d10000-0000-4000-8000-000000000005">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-000000000002"/>
        </Coding>
      </PDFSelection>
    </PDFSource>
  </Sources>
  <Notes>
    <Note guid="a0000000-0000-4000-8000-000000000001" name="Mémo" creatingUser="6f1c2a10-0000-4000-8000-000000000001">
      <PlainTextContent>Revenir sur ce passage.</PlainTextContent>
    </Note>
    <Note guid="a0000000-0000-4000-8000-000000000002" name="Ton" creatingUser="6f1c2a10-0000-4000-8000-000000000002"
          creationDateTime="2025-02-03T08:00:00Z">
      <PlainTextContent>Dit en riant.</PlainTextContent>
    </Note>
    <Note guid="a0000000-0000-4000-8000-000000000003" name="Journal">
      <PlainTextContent>Premier codage terminé.</PlainTextContent>
    </Note>
    <Note guid="a0000000-0000-4000-8000-000000000004" name="Idée">
      <PlainTextContent>Comparer avec Liège.</PlainTextContent>
    </Note>
    <Note guid="a0000000-0000-4000-8000-000000000005" name="Définition">
      <PlainTextContent>Aide concrète entre collègues.</PlainTextContent>
    </Note>
  </Notes>
  <Links>
    <Link guid="11000000-0000-4000-8000-000000000001" name="explique" direction="OneWay"
          originGUID="5e100000-0000-4000-8000-000000000001" targetGUID="5e100000-0000-4000-8000-000000000003"/>
  </Links>
  <Sets>
    <Set guid="5e700000-0000-4000-8000-000000000001" name="Fatigues">
      <MemberCode targetGUID="c0de0000-0000-4000-8000-000000000002"/>
      <MemberCode targetGUID="c0de0000-0000-4000-8000-000000000005"/>
    </Set>
  </Sets>
  <Description>Projet de démonstration.</Description>
  <NoteRef targetGUID="a0000000-0000-4000-8000-000000000003"/>
</Project>
"""

# --------------------------------------------------------------------------- deviation variants
# One small project written five ways that programs really use; all must import the same.

MINI_TEXT = "Bonjour à tous.\nOn commence ?\n"


def mini_qde(*, guid: str = "50000000-0000-4000-8000-0000000000aa", path: str | None = None, extra: str = "",
             wrap=lambda g: g) -> str:
    path = path if path is not None else f"internal://{guid}.txt"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Mini" origin="QualCoder 3.5">
  <Users><User guid="{wrap('6f1c2a10-0000-4000-8000-0000000000aa')}" name="Ana"/></Users>
  <CodeBook><Codes>
    <Code guid="{wrap('c0de0000-0000-4000-8000-0000000000aa')}" name="Accueil" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{wrap(guid)}" name="atelier.txt" plainTextPath="{path}">
      <PlainTextSelection guid="{wrap('5e100000-0000-4000-8000-0000000000aa')}" name="Bonjour à tous."
                          startPosition="0" endPosition="15" creatingUser="{wrap('6f1c2a10-0000-4000-8000-0000000000aa')}">
        <Coding guid="{wrap('c0d10000-0000-4000-8000-0000000000aa')}">
          <CodeRef targetGUID="{wrap('c0de0000-0000-4000-8000-0000000000aa')}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>{extra}
</Project>
"""


MINI_GUID = "50000000-0000-4000-8000-0000000000aa"

# --------------------------------------------------------------------------- nvivo-utf16.qdpx
# NVivo for Windows: the text file is UTF-16 LE with a BOM and CRLF line ends, and the
# positions count UTF-16 code units on that text after the BOM (an emoji counts 2, a
# CRLF counts 2). Two emoji stand before "épuisée"; the third selection has no name.

NVIVO_TEXT = ("Animatrice : Bonjour 👋 tout le monde.\r\nOn commence par un tour de table 🙂.\r\n\r\n"
              "Participante : Moi, je suis épuisée 😩 ces temps-ci.\r\n")

NVIVO_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Focus NVivo" origin="NVivo 14.23.0 (Windows)">
  <Users><User guid="6f1c2a10-0000-4000-8000-0000000000bb" name="Chloé"/></Users>
  <CodeBook><Codes>
    <Code guid="c0de0000-0000-4000-8000-0000000000b1" name="Épuisement" isCodable="true"/>
    <Code guid="c0de0000-0000-4000-8000-0000000000b2" name="Rituel" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="50000000-0000-4000-8000-0000000000bb" name="Focus groupe"
                plainTextPath="internal://50000000-0000-4000-8000-0000000000bb.txt">
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000b1" name="épuisée" startPosition="108" endPosition="115">
        <Coding guid="c0d10000-0000-4000-8000-0000000000b1" creatingUser="6f1c2a10-0000-4000-8000-0000000000bb">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000b1"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000b2" name="ces temps-ci" startPosition="119" endPosition="131">
        <Coding guid="c0d10000-0000-4000-8000-0000000000b2" creatingUser="6f1c2a10-0000-4000-8000-0000000000bb">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000b1"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000b3" startPosition="59" endPosition="72">
        <Coding guid="c0d10000-0000-4000-8000-0000000000b3" creatingUser="6f1c2a10-0000-4000-8000-0000000000bb">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000b2"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000b4" name="Bonjour 👋 tout" startPosition="13" endPosition="28">
        <Coding guid="c0d10000-0000-4000-8000-0000000000b4" creatingUser="6f1c2a10-0000-4000-8000-0000000000bb">
          <CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000b2"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

# --------------------------------------------------------------------------- atlas-crlf.qdpx
# ATLAS.ti: UTF-8 with a BOM and CRLF line ends, positions in code points counting a
# CRLF as one character; its CodeBook element carries the codebook namespace 0:4.

ATLAS_TEXT = "Q : Comment ça va ?\r\nR : Bien, merci.\r\n\r\nQ : Et l'équipe ?\r\nR : Épuisée.\r\n"

ATLAS_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Entretien ATLAS" origin="ATLAS.ti Windows 23.2.1">
  <Users><User guid="{6F1C2A10-0000-4000-8000-0000000000CC}" name="Dominique"/></Users>
  <CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes>
    <Code guid="{C0DE0000-0000-4000-8000-0000000000C1}" name="Bien-être" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{50000000-0000-4000-8000-0000000000CC}" name="Entretien 1"
                plainTextPath="internal://{50000000-0000-4000-8000-0000000000CC}.txt">
      <PlainTextSelection guid="{5E100000-0000-4000-8000-0000000000C1}" name="Épuisée." startPosition="60" endPosition="68"
                          creatingUser="{6F1C2A10-0000-4000-8000-0000000000CC}">
        <Coding guid="{C0D10000-0000-4000-8000-0000000000C1}">
          <CodeRef targetGUID="{C0DE0000-0000-4000-8000-0000000000C1}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{5E100000-0000-4000-8000-0000000000C2}" name="Bien, merci." startPosition="24" endPosition="36"
                          creatingUser="{6F1C2A10-0000-4000-8000-0000000000CC}">
        <Coding guid="{C0D10000-0000-4000-8000-0000000000C2}">
          <CodeRef targetGUID="{C0DE0000-0000-4000-8000-0000000000C1}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{5E100000-0000-4000-8000-0000000000C3}" startPosition="42" endPosition="55"
                          creatingUser="{6F1C2A10-0000-4000-8000-0000000000CC}">
        <Coding guid="{C0D10000-0000-4000-8000-0000000000C3}">
          <CodeRef targetGUID="{C0DE0000-0000-4000-8000-0000000000C1}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

# --------------------------------------------------------------------------- speakers-folder.qdpx
# A team marked who speaks with a "Speakers" code folder (as Research Kit exports it);
# the .qde is UTF-16, the origin MAXQDA (UTF-16 positions), one turn carries a comment.

SPEAKERS_TEXT = "Salut 😀 Bob.\r\n\r\nSalut Anne.\r\n"

SPEAKERS_QDE = """<?xml version="1.0" encoding="utf-16"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Tour de parole" origin="MAXQDA 2022 (Release 22.8.0)">
  <CodeBook><Codes>
    <Code guid="c0de0000-0000-4000-8000-0000000000a1" name="Speakers" isCodable="false">
      <Code guid="c0de0000-0000-4000-8000-0000000000a2" name="Anne" isCodable="true"/>
      <Code guid="c0de0000-0000-4000-8000-0000000000a3" name="Bob" isCodable="true"/>
    </Code>
    <Code guid="c0de0000-0000-4000-8000-0000000000a4" name="Salutation" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="50000000-0000-4000-8000-0000000000a1" name="fg" plainTextPath="internal://fg.txt">
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000a1" name="Salut 😀 Bob." startPosition="0" endPosition="13">
        <Description>Elle sourit.</Description>
        <Coding guid="c0d10000-0000-4000-8000-0000000000a1"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000a2"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000a2" name="Salut Anne." startPosition="17" endPosition="28">
        <Coding guid="c0d10000-0000-4000-8000-0000000000a2"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000a3"/></Coding>
        <Coding guid="c0d10000-0000-4000-8000-0000000000a3"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000a4"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

# --------------------------------------------------------------------------- broken projects

# A selection beyond the end, one whose name quotes text found elsewhere, one fine.
RANGE_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Hors limites" origin="Unknown QDA 1.0">
  <CodeBook><Codes>
    <Code guid="c0de0000-0000-4000-8000-0000000000d1" name="Accueil" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="50000000-0000-4000-8000-0000000000dd" name="atelier" plainTextPath="internal://atelier.txt">
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000d1" name="Bonjour à tous." startPosition="0" endPosition="15">
        <Coding guid="c0d10000-0000-4000-8000-0000000000d1"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000d1"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000d2" startPosition="20" endPosition="400">
        <Coding guid="c0d10000-0000-4000-8000-0000000000d2"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000d1"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000d3" name="On commence" startPosition="1" endPosition="12">
        <Coding guid="c0d10000-0000-4000-8000-0000000000d3"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000d1"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000d4" name="tous" startPosition="10" endPosition="14">
        <Coding guid="c0d10000-0000-4000-8000-0000000000d4"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000ff"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

# Two sources; the second one's text file is not in the archive.
MISSING_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Source manquante">
  <CodeBook><Codes>
    <Code guid="c0de0000-0000-4000-8000-0000000000e1" name="Accueil" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="50000000-0000-4000-8000-0000000000e1" name="present.txt" plainTextPath="internal://present.txt">
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000e1" name="Bonjour" startPosition="0" endPosition="7">
        <Coding guid="c0d10000-0000-4000-8000-0000000000e1"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000e1"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="50000000-0000-4000-8000-0000000000e2" name="absent.txt" plainTextPath="internal://absent.txt">
      <PlainTextSelection guid="5e100000-0000-4000-8000-0000000000e2" startPosition="0" endPosition="3">
        <Coding guid="c0d10000-0000-4000-8000-0000000000e2"><CodeRef targetGUID="c0de0000-0000-4000-8000-0000000000e1"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

# Line 6: the closing tag does not match (</Codes> closes <Code>).
BROKEN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Cassé">
  <CodeBook>
    <Codes>
      <Code guid="c0de0000-0000-4000-8000-0000000000f1" name="Accueil" isCodable="true">
    </Codes>
  </CodeBook>
</Project>
"""

# "Billion laughs": nested entities that would expand to gigabytes.
BOMB_QDE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE Project [
  <!ENTITY a "ahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahahah">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&e;"/>
"""

# --------------------------------------------------------------------------- codebooks (.qdc)

QDC_STANDARD = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Hand-written from REFI-QDA 1.5">
  <Codes>
    <Code guid="c0de0000-0000-4000-8000-000000000101" name="Équipe" isCodable="false" color="#0072B2">
      <Description>Ce qui touche l'équipe.</Description>
      <Code guid="c0de0000-0000-4000-8000-000000000102" name="Fatigue" isCodable="true" color="#D55E00"/>
    </Code>
    <Code guid="c0de0000-0000-4000-8000-000000000103" name="Usagers" isCodable="true">
      <Code guid="c0de0000-0000-4000-8000-000000000104" name="Fatigue" isCodable="true"/>
    </Code>
  </Codes>
  <Sets>
    <Set guid="5e700000-0000-4000-8000-000000000101" name="Fatigues">
      <MemberCode guid="c0de0000-0000-4000-8000-000000000102"/>
    </Set>
  </Sets>
</CodeBook>
"""

# The namespace written as "1:0" (NVivo), a short colour, no isCodable on one code.
QDC_1_0 = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1:0" origin="NVivo 14">
  <Codes>
    <Code guid="c0de0000-0000-4000-8000-000000000201" name="Participation" isCodable="false" color="#abc">
      <Code guid="c0de0000-0000-4000-8000-000000000202" name="Prise de parole" isCodable="true">
        <Description>Quelqu'un prend la parole sans y être invité.</Description>
      </Code>
      <Code guid="c0de0000-0000-4000-8000-000000000203" name="Silence"/>
    </Code>
  </Codes>
</CodeBook>
"""

# The namespace written as "0:4" (ATLAS.ti), GUIDs in braces, an empty <Sets/>.
QDC_0_4 = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:codebook:0:4 Codebook.xsd"
          origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:0:4">
  <Codes>
    <Code guid="{1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294}" name="Care" color="#46AA00" isCodable="true">
      <Description>Taking care of the team.</Description>
      <Code guid="{2AA58B12-6F6F-4B0C-8BE5-BBDC91F55294}" name="Exhaustion" isCodable="true"/>
    </Code>
  </Codes>
  <Sets/>
</CodeBook>
"""


# --------------------------------------------------------------------------- building


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def _check(text: str, spans: list[tuple[int, int, str]], *, unit: str) -> None:
    """Each hand-written span holds its quote, counted in ``unit``."""
    for start, end, quote in spans:
        if unit == "codepoints":
            got = text[start:end]
        elif unit == "utf16":
            data = text.encode("utf-16-le")
            got = data[2 * start:2 * end].decode("utf-16-le")
        else:  # codepoints, CRLF counting one
            flat = text.replace("\r\n", "\n")
            got = flat[start:end]
        assert got == quote, (unit, start, end, got, quote)


def build() -> dict[str, bytes]:
    """Every test file of this folder: name -> bytes."""
    _check(STANDARD_TEXT, [(0, 14, "On est épuisés"), (26, 58, "Les gens nous appellent le soir."),
                           (60, 100, "Heureusement, on se soutient entre nous."),
                           (102, 134, "Les usagers sont fatigués aussi."), (16, 24, "vraiment")], unit="codepoints")
    _check(NVIVO_TEXT, [(108, 115, "épuisée"), (119, 131, "ces temps-ci"), (59, 72, "tour de table"),
                        (13, 28, "Bonjour 👋 tout")], unit="utf16")
    _check(SPEAKERS_TEXT, [(0, 13, "Salut 😀 Bob."), (17, 28, "Salut Anne.")], unit="utf16")
    _check(ATLAS_TEXT, [(60, 68, "Épuisée."), (24, 36, "Bien, merci."), (42, 55, "Et l'équipe ?")], unit="crlf1")
    _check(MINI_TEXT, [(0, 15, "Bonjour à tous."), (10, 14, "tous")], unit="codepoints")

    utf8 = lambda s: s.encode("utf-8")  # noqa: E731
    std_guid = "50000000-0000-4000-8000-000000000001"
    files = {
        "standard.qdpx": _zip([("project.qde", utf8(STANDARD_QDE)), (f"sources/{std_guid}.txt", utf8(STANDARD_TEXT)),
                               ("sources/50000000-0000-4000-8000-000000000003.pdf", b"%PDF-1.4\n%%EOF\n")]),
        "qde-named.qdpx": _zip([("MonProjet.qde", utf8(mini_qde())), (f"sources/{MINI_GUID}.txt", utf8(MINI_TEXT))]),
        "sources-capital.qdpx": _zip([("project.qde", utf8(mini_qde())), (f"Sources/{MINI_GUID}.txt", utf8(MINI_TEXT))]),
        "path-no-scheme.qdpx": _zip([("project.qde", utf8(mini_qde(path=f"{MINI_GUID}.txt"))),
                                     (f"sources/{MINI_GUID}.txt", utf8(MINI_TEXT))]),
        "guid-braces.qdpx": _zip([("project.qde", utf8(mini_qde(wrap=lambda g: "{" + g.upper() + "}",
                                                                path=f"internal://{{{MINI_GUID.upper()}}}.txt"))),
                                  (f"sources/{{{MINI_GUID.upper()}}}.txt", utf8(MINI_TEXT))]),
        "empty-sets.qdpx": _zip([("project.qde", utf8(mini_qde(extra="\n  <Sets/>"))),
                                 (f"sources/{MINI_GUID}.txt", utf8(MINI_TEXT))]),
        "nvivo-utf16.qdpx": _zip([("project.qde", utf8(NVIVO_QDE)),
                                  ("sources/50000000-0000-4000-8000-0000000000bb.txt",
                                   codecs.BOM_UTF16_LE + NVIVO_TEXT.encode("utf-16-le"))]),
        "atlas-crlf.qdpx": _zip([("Entretien ATLAS.qde", utf8(ATLAS_QDE)),
                                 ("sources/{50000000-0000-4000-8000-0000000000CC}.txt",
                                  codecs.BOM_UTF8 + utf8(ATLAS_TEXT))]),
        "speakers-folder.qdpx": _zip([("project.qde", SPEAKERS_QDE.encode("utf-16")),
                                      ("sources/fg.txt", utf8(SPEAKERS_TEXT))]),
        "out-of-range.qdpx": _zip([("project.qde", utf8(RANGE_QDE)), ("sources/atelier.txt", utf8(MINI_TEXT))]),
        "missing-source.qdpx": _zip([("project.qde", utf8(MISSING_QDE)), ("sources/present.txt", utf8("Bonjour.\n"))]),
        "broken.qdpx": _zip([("project.qde", utf8(BROKEN_QDE))]),
        "entity-bomb.qdpx": _zip([("project.qde", utf8(BOMB_QDE))]),
        "traversal.qdpx": _zip([("project.qde", utf8(mini_qde())), (f"sources/{MINI_GUID}.txt", utf8(MINI_TEXT)),
                                ("../evil.txt", b"overwritten!\n")]),
        "zip-bomb.qdpx": _zip([("project.qde", utf8(mini_qde())), (f"sources/{MINI_GUID}.txt", b"\0" * (3 * 2**20))]),
        "codebook-standard.qdc": utf8(QDC_STANDARD),
        "codebook-1-0.qdc": utf8(QDC_1_0),
        "codebook-0-4.qdc": utf8(QDC_0_4),
    }
    return files


def main() -> int:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
