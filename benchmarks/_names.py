"""Hand-written frequency tables for the synthetic customer generator.

Everything here is plain data: name lists in (approximate) descending order of frequency, nickname
tables, street vocabularies, cities with their postcode and telephone plans, e-mail providers and
typo tables.  Weights are turned into probabilities by :mod:`benchmarks.generate` (lists given in
rank order get Zipf-like weights ``(rank + offset) ** -exponent``).

The lists were written for this project from general knowledge of common names and places; they are
not copied from any data set.  Frequencies are approximate by design: the aim is a realistic *shape*
(a few very common surnames, a long tail), not census accuracy.
"""

from __future__ import annotations

from typing import Final, NamedTuple


def _words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated list; ``_`` inside a token stands for a space."""
    return tuple(tok.replace("_", " ") for tok in text.split())


# ---------------------------------------------------------------------------------------------------
# Name pools ("cultures").  Each pool has male and female first names and surnames in rank order, and
# morphemes for a long tail of rarer surnames (prefix + suffix combinations).
# ---------------------------------------------------------------------------------------------------


class NamePool(NamedTuple):
    """First names and surnames of one naming culture, most frequent first."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    tail_prefixes: tuple[str, ...]
    tail_suffixes: tuple[str, ...]
    #: share of the surname mass that goes to the synthetic tail (prefix + suffix)
    tail_share: float


ANGLO = NamePool(
    male=_words(
        """James John Robert Michael William David Richard Joseph Thomas Christopher Charles Daniel
        Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald
        Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon
        Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Henry Adam
        Douglas Nathan Peter Zachary Kyle Walter Harold Jeremy Ethan Carl Keith Roger Gerald Christian
        Terry Sean Arthur Austin Noah Lawrence Jesse Joe Bryan Billy Jordan Albert Dylan Bruce Willie
        Gabriel Alan Juan Logan Wayne Ralph Roy Eugene Randy Vincent Russell Louis Philip Bobby Johnny
        Bradley Oliver Harry Liam Mason Lucas Owen Connor Ian Neil Graham Stuart Colin Craig Darren Lee
        Martin Gavin Barry Derek Malcolm Trevor Clive Nigel Alistair Hamish Callum Rhys Dale Shane Troy
        Brett Todd Chad Travis Wesley Marcus Dustin Cody Derrick Curtis Shawn Clayton Mitchell Grant
        Spencer Elliott Theodore Hugh Declan Reginald Leonard Stanley Howard Francis Bernard Cecil"""
    ),
    female=_words(
        """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty
        Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah
        Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma
        Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather
        Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan
        Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice
        Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella
        Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Chloe Amelia Ava Mia Lily
        Ella Holly Gemma Claire Fiona Kirsty Leanne Zoe Jade Stacey Joanne Tracey Alison Gillian
        Hayley Kerry Lucy Rosie Harriet Bethany Courtney Tiffany Crystal Erin Shannon Kristen Tara
        Lindsay Whitney Heidi Wendy Tammy Paula Rhonda Yvonne Eleanor Georgia Phoebe Imogen Freya"""
    ),
    surnames=_words(
        """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson
        Martin White Harris Thompson Clark Lewis Robinson Walker Young Allen King Wright Scott Hill
        Green Adams Baker Nelson Hall Campbell Mitchell Carter Roberts Phillips Evans Turner Parker
        Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly
        Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders Myers
        Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes
        Fisher Simmons Graham Jordan Reynolds Hamilton Ford Wallace Gibson West Cole Hayes Marshall
        Owens Ellis Harrison Kennedy Wells Alexander Griffin Hunt Palmer Stone Mason Mills Hunter Dixon
        Knight Lloyd Spencer Fox Black Rose Webb Holmes Burns Lawrence Murray Ryan Shaw Walsh Chapman
        Hudson Day Porter Hart Armstrong Berry Lane Richards Wheeler Dunn Fletcher Andrews Austin
        Harper Arnold Watts Jacobs Curtis Bishop Warren Cunningham Carpenter Davies Francis Payne
        Matthews Weaver Grant Fuller Ferguson Robertson Burke Hicks Simpson Nichols Lambert Barker
        Knowles Holland Pearson Hodges Newman Hardy Gardner Lynch Dawson Chambers Bradley Sutton
        Manning Rowe Pratt Hopkins Oliver Quinn Burton Norris Goodwin Potter Riley Tucker Bowen
        Stevenson Marsh Whitehead Howell Gilbert Barton Kemp Lowe Sharp Holt Parsons Blake Vaughan
        Hale Dean Frost Ball Cross Osborne Holloway Frazier Reeves Doyle Norton Sparks Moss Hancock
        Pope Garner Mcdonald Macdonald Mackenzie Mcleod Fraser Macleod Mclean Mackay Smith-Jones
        Taylor-Brown Lloyd-Davies Harding Wolfe Vance Buckley Cartwright Whitaker Fairbanks Hawkins
        Ashworth Pemberton Thornton Whitfield Crawford Langley Blackwood Atkinson Sinclair Kirkpatrick
        St._John Van_Dyke Van_Buren Du_Bois La_Salle Le_Blanc"""
    ),
    tail_prefixes=_words(
        """Ash Black Brad Brook Cald Craw Dal Fair Gold Hart Hol Kings Lang Mar Mid Nor Oak Pem Ral
        Rad Shel Stan Stock Thorn Wal West Whit Win Wood Ather Bar Bran Carl Chester Dun Ed Els Fen
        Gar Glen Grim Hal Hamp Hay Hether Kin Lin Lock Lyn Mans Mor New Pres Pen Rams Red Rich Rother
        Sel Sher Small Spring Stan Sud Sum Tal Tem Went Wes Wick Wil Wins Wor"""
    ),
    tail_suffixes=_words(
        """ford ley ton well wood field worth by more bridge ham stead wick shaw cott den ridge gate
        sley ington combe hurst wade bury brook land thorpe"""
    ),
    tail_share=0.52,
)

HISPANIC = NamePool(
    male=_words(
        """José Juan Luis Carlos Jesús Miguel Jorge Antonio Francisco Pedro Manuel Alejandro Ricardo
        Roberto Fernando Javier Daniel Eduardo Rafael Mario Sergio Raúl Héctor Arturo Alberto Enrique
        Óscar Víctor Guillermo Martín Andrés Diego Ramón Rubén Adrián Gerardo Armando Alfredo Julio
        Ernesto Ignacio Gustavo Salvador Hugo Jaime Rodrigo Pablo Santiago Mateo Emilio Joaquín Esteban
        Marco Cristian Gabriel Felipe Ángel Gonzalo Tomás"""
    ),
    female=_words(
        """María Guadalupe Ana Rosa Carmen Juana Patricia Isabel Elena Sofía Laura Verónica Adriana
        Gabriela Claudia Alejandra Leticia Teresa Silvia Lucía Martha Yolanda Margarita Daniela
        Valentina Camila Mariana Andrea Fernanda Paola Natalia Beatriz Diana Lorena Mónica Esperanza
        Gloria Alicia Cristina Sandra Raquel Irene Norma Josefina Dolores Ximena Victoria Jimena Inés
        Pilar Marisol Luz Araceli Yesenia"""
    ),
    surnames=_words(
        """Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores
        Rivera Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Mendoza
        Castillo Jimenez Vasquez Moreno Romero Herrera Medina Aguilar Vargas Guzman Mendez Castro
        Fernandez Munoz Salazar Garza Soto Delgado Vazquez Contreras Estrada Rojas Nunez Ortega
        Guerrero Figueroa Silva Dominguez Sandoval Cortez Rios Juarez Lara Campos Espinoza Acosta
        Navarro Molina Cabrera Avila Valdez Ibarra Fuentes Carrillo Pacheco Velasquez Serrano
        Sosa Maldonado Ayala Luna Miranda Santiago Trujillo Escobar Peña Núñez Muñoz Hernández
        González Pérez Rodríguez Martínez López Sánchez Gómez Díaz Ramírez Álvarez Jiménez
        De_la_Cruz De_Jesus De_Leon Del_Rosario De_la_Rosa De_los_Santos San_Martin Garcia-Lopez
        Rodriguez-Perez Ponce_de_Leon"""
    ),
    tail_prefixes=_words("Al Bal Bel Cal Car Cas Cer Cor Esp Gal Lar Mal Mar Mon Ol Pal Sal Sar Val Ver Zam"),
    tail_suffixes=_words("ero ado anes edo illa ino ares eda ona ardo uela ientos ano azo"),
    tail_share=0.30,
)

IRISH = NamePool(
    male=_words(
        """Seán Patrick Michael John Conor Liam Ciarán Eoin Cian Darragh Niall Declan Brendan Kevin
        Padraig Colm Fergal Ronan Cathal Donal Dermot Eamon Aidan Oisín Tadhg Diarmuid Shane Barry
        Kieran Killian Rory Fionn Cillian Gerard Noel Aongus Brian Thomas James"""
    ),
    female=_words(
        """Mary Siobhán Niamh Aoife Ciara Sinéad Orla Róisín Caoimhe Aisling Gráinne Emer Deirdre
        Bríd Úna Saoirse Clodagh Nuala Maeve Eimear Catherine Margaret Fiona Sarah Emma Áine Orlaith
        Mairéad Eileen Bernadette Sheila Kathleen Laoise Ailbhe"""
    ),
    surnames=_words(
        """Murphy Kelly O'Sullivan Walsh Smith O'Brien Byrne Ryan O'Connor O'Neill O'Reilly Doyle
        McCarthy Gallagher O'Doherty Kennedy Lynch Murray Quinn Moore McLoughlin O'Carroll Connolly
        Daly O'Connell Wilson Dunne Brennan Burke Collins Campbell Clarke Johnston Hughes O'Farrell
        Fitzgerald Brown Martin Maguire Nolan Flynn Thompson O'Callaghan O'Donnell Duffy O'Mahony
        Boyle Healy O'Shea White Sweeney Hayes Kavanagh Power McGrath Moran Brady Stewart Casey
        Foley Fitzpatrick O'Leary McDonnell MacMahon Donnelly Regan Donovan Burns Flanagan Mullan
        Barry Kane Robinson Cunningham Griffin Kenny Sheehan Ward Whelan Lyons Reid Graham Higgins
        Cullen Keane King Maher McKenna Bell Scott Hogan O'Keeffe Magee McNamara McDonald MacDermott
        Moloney O'Rourke Buckley O'Dwyer Ní_Bhriain Mac_Giolla"""
    ),
    tail_prefixes=_words("Mac Mc O' Fitz"),
    tail_suffixes=_words(
        """Cormack Govern Guinness Hale Keown Laughlin Manus Nulty Partland Quillan Kiernan Ardle
        Gonigal Crory Gettigan Ginley Hugh Brien Dowd Hanlon Hare Kane Loughlin Mara Meara Rahilly
        Gerald Simons Maurice Henry"""
    ),
    tail_share=0.22,
)

GERMAN = NamePool(
    male=_words(
        """Thomas Michael Andreas Stefan Peter Christian Klaus Wolfgang Jürgen Frank Markus Uwe
        Matthias Alexander Martin Sebastian Tobias Daniel Jan Florian Hans Dieter Bernd Jörg Ralf
        Torsten Sven Dirk Holger Lukas Leon Finn Jonas Paul Felix Maximilian Niklas Lars Tim Karl
        Heinz Günter Horst Manfred Helmut Werner Gerhard Rolf Jens Björn Maik Kai Ingo Volker Rüdiger
        Friedrich Johannes Moritz Philipp Fabian Elias"""
    ),
    female=_words(
        """Sabine Petra Susanne Claudia Andrea Nicole Stefanie Julia Katharina Anna Sandra Birgit
        Monika Ursula Renate Karin Gabriele Heike Anja Christina Melanie Tanja Silke Kerstin Jana
        Laura Lea Lena Hannah Sophie Marie Emma Mia Lina Ingrid Helga Gisela Brigitte Jutta Bärbel
        Doris Elke Anke Nadine Katrin Vanessa Jessica Franziska Annika Jasmin Sünje Maren Anneliese"""
    ),
    surnames=_words(
        """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
        Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann
        Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König
        Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel
        Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht
        Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer
        Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl
        Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Yilmaz Kaya Özdemir Demir
        Şahin Çelik Nowak Kowalski von_Weber von_der_Heide van_der_Berg van_den_Bosch de_Vries
        van_Dijk Müller-Lüdenscheidt Schulze-Wilde Meyer-Hansen"""
    ),
    tail_prefixes=_words(
        """Schne Hof Berg Wald Stein Kirch Rosen Lich Brand Eich Fisch Hirsch Stern Linden Mühl
        Gold Eisen Holz Sonnen Wiesen Bach Baum Feld Kessel Strauß Adler Buch Fried Grün"""
    ),
    tail_suffixes=_words("mann berger hoff bauer meier müller felder haus thal hagen stedt burg ner ke"),
    tail_share=0.40,
)

FRENCH = NamePool(
    male=_words(
        """Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Daniel Bernard Laurent
        Frédéric Éric Stéphane Thierry Olivier Sébastien Julien Pascal David François Jacques
        Guillaume Vincent Antoine Mathieu Maxime Thomas Hugo Lucas Louis Gabriel Arthur Raphaël
        Jules Théo Benoît Gérard Didier Yves René Claude Rémi Hervé Loïc Jérôme Cédric Étienne
        Mathis Léo Noé Baptiste Adrien Clément Romain Quentin Marc-André Jean-Luc Jean-François"""
    ),
    female=_words(
        """Marie Nathalie Isabelle Sylvie Catherine Françoise Valérie Sandrine Christine Véronique
        Sophie Céline Stéphanie Monique Nicole Julie Aurélie Émilie Camille Léa Manon Chloé Inès
        Emma Jade Louise Alice Lina Zoé Anaïs Mathilde Pauline Margaux Océane Hélène Brigitte
        Martine Danielle Chantal Josiane Geneviève Mélanie Laetitia Élodie Caroline Claire Agnès
        Marie-Claude Marie-France Anne-Sophie Noémie Maëlle"""
    ),
    surnames=_words(
        """Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel
        Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine
        Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier
        François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu
        Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun
        Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche
        Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas
        Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq
        Guillaume Lecomte Lopez Jean Dupuy Tremblay Gagnon Côté Bouchard Gauthier-Lévesque Pelletier
        Bélanger Lévesque Bergeron Leblanc Paquette Ouellet Desjardins de_la_Fontaine de_Saint-Exupéry
        Le_Goff Le_Gall D'Amour L'Heureux"""
    ),
    tail_prefixes=_words("Beau Bel Bon Chau Cour Des Du Fon Gran Hau La Le Mar Mont Ro Val Vil"),
    tail_suffixes=_words("champ lieu mont vert fort court bois val ville pré noir chard lard vallon"),
    tail_share=0.35,
)

ASIAN = NamePool(
    male=_words(
        """Wei Jun Hao Ming Jian Raj Amit Arjun Rahul Vikram Sanjay Anil Hiroshi Kenji Takeshi Minh
        Tuan Duc Jin Sung Hyun Young Ji-ho Kwame Ali Mohammed Ahmed Omar Hassan Imran Tariq Kevin
        Daniel Jason Eric Andrew David Michael Ryan"""
    ),
    female=_words(
        """Mei Li Xin Ying Priya Anjali Sunita Neha Pooja Kavita Yuki Aiko Sakura Linh Thu Ngoc Hoa
        Min-ji Seo-yeon Ji-woo Fatima Aisha Zainab Sana Nadia Grace Jennifer Michelle Christine
        Jessica Amy Tiffany Emily Sarah"""
    ),
    surnames=_words(
        """Nguyen Kim Lee Patel Chen Wang Li Zhang Liu Singh Tran Le Pham Park Choi Wong Yang Huang
        Khan Shah Kumar Sharma Gupta Ali Ahmed Hussain Chang Lin Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao
        Tanaka Suzuki Sato Watanabe Yamamoto Nakamura Kobayashi Jung Kang Cho Yoon Lim Ng Tan Chan
        Ho Hoang Phan Vu Dang Bui Do Reddy Rao Iyer Nair Das Chowdhury Rahman Begum Islam Malik
        Qureshi Mehta Joshi Desai Bhatt Kapoor"""
    ),
    tail_prefixes=_words("Cha Chu Ha Ka Ko Na Pa Sa Ta Ya Ra Ma Ba Ki"),
    tail_suffixes=_words("nda ran wa moto shi ung ao dra ndran rani kar pal"),
    tail_share=0.10,
)

NAME_POOLS: Final[dict[str, NamePool]] = {
    "anglo": ANGLO,
    "hispanic": HISPANIC,
    "irish": IRISH,
    "german": GERMAN,
    "french": FRENCH,
    "asian": ASIAN,
}

#: Mix of naming cultures per country (weights, normalised by the generator).
COUNTRY_CULTURES: Final[dict[str, dict[str, float]]] = {
    "US": {"anglo": 0.68, "hispanic": 0.19, "asian": 0.06, "german": 0.03, "irish": 0.03, "french": 0.01},
    "GB": {"anglo": 0.80, "irish": 0.08, "asian": 0.08, "french": 0.02, "german": 0.02},
    "CA": {"anglo": 0.60, "french": 0.24, "asian": 0.10, "irish": 0.03, "german": 0.03},
    "DE": {"german": 0.88, "anglo": 0.04, "asian": 0.03, "french": 0.02, "hispanic": 0.03},
    "AU": {"anglo": 0.78, "irish": 0.06, "asian": 0.10, "german": 0.03, "hispanic": 0.03},
    "FR": {"french": 0.88, "hispanic": 0.04, "anglo": 0.03, "german": 0.02, "asian": 0.03},
    "IE": {"irish": 0.75, "anglo": 0.20, "asian": 0.03, "french": 0.02},
}

#: Middle names (any culture): most people who have one use a common one.
MIDDLE_MALE: Final = _words(
    """James Michael Lee Allen Joseph Edward Thomas John William Robert David Paul Alan Ray Wayne
    Scott Anthony Patrick Christopher Andrew Daniel Charles Francis George Henry Louis Quincy"""
)
MIDDLE_FEMALE: Final = _words(
    """Marie Ann Anne Lynn Elizabeth Louise Jane Rose Mae Michelle Nicole Grace Jean Kay Renee
    Marie-Claire Catherine Margaret Frances Lee Dawn Joy Beth Irene"""
)

#: Distinct people who share one of these very common full names are a deliberate hard negative.
COMMON_FULL_NAMES: Final[tuple[tuple[str, str, str, str], ...]] = (
    # (country, gender, first, last)
    ("US", "M", "John", "Smith"),
    ("US", "F", "Maria", "Garcia"),
    ("US", "M", "James", "Johnson"),
    ("US", "M", "Michael", "Williams"),
    ("US", "F", "Mary", "Smith"),
    ("US", "M", "Robert", "Brown"),
    ("US", "M", "David", "Jones"),
    ("US", "M", "José", "Rodriguez"),
    ("US", "F", "Jennifer", "Miller"),
    ("US", "M", "Juan", "Hernandez"),
    ("GB", "M", "David", "Jones"),
    ("GB", "F", "Sarah", "Smith"),
    ("GB", "M", "John", "Taylor"),
    ("CA", "M", "Michael", "Tremblay"),
    ("DE", "M", "Thomas", "Müller"),
    ("AU", "M", "James", "Smith"),
    ("FR", "M", "Jean", "Martin"),
    ("IE", "M", "Patrick", "Murphy"),
)

# ---------------------------------------------------------------------------------------------------
# Nicknames (formal -> informal spellings people actually use).  Keys are lower-case.
# ---------------------------------------------------------------------------------------------------

NICKNAMES: Final[dict[str, tuple[str, ...]]] = {
    "william": ("Bill", "Will", "Billy", "Liam", "Willy"),
    "robert": ("Bob", "Rob", "Bobby", "Robbie", "Bert"),
    "elizabeth": ("Liz", "Beth", "Lizzie", "Betty", "Eliza", "Libby"),
    "richard": ("Rick", "Rich", "Dick", "Ricky", "Richie"),
    "james": ("Jim", "Jimmy", "Jamie"),
    "john": ("Jack", "Johnny"),
    "michael": ("Mike", "Mikey", "Mick"),
    "thomas": ("Tom", "Tommy"),
    "christopher": ("Chris", "Kit", "Topher"),
    "joseph": ("Joe", "Joey"),
    "charles": ("Charlie", "Chuck", "Chas"),
    "daniel": ("Dan", "Danny"),
    "matthew": ("Matt", "Matty"),
    "anthony": ("Tony",),
    "david": ("Dave", "Davey"),
    "steven": ("Steve",),
    "stephen": ("Steve",),
    "edward": ("Ed", "Eddie", "Ted", "Ned"),
    "andrew": ("Andy", "Drew"),
    "joshua": ("Josh",),
    "benjamin": ("Ben", "Benny"),
    "samuel": ("Sam", "Sammy"),
    "alexander": ("Alex", "Xander", "Sandy"),
    "nicholas": ("Nick", "Nicky"),
    "jonathan": ("Jon", "Jonny"),
    "timothy": ("Tim", "Timmy"),
    "kenneth": ("Ken", "Kenny"),
    "gregory": ("Greg",),
    "patrick": ("Pat", "Paddy"),
    "peter": ("Pete",),
    "donald": ("Don", "Donnie"),
    "ronald": ("Ron", "Ronnie"),
    "gerald": ("Gerry", "Jerry"),
    "lawrence": ("Larry",),
    "raymond": ("Ray",),
    "douglas": ("Doug",),
    "frederick": ("Fred", "Freddie"),
    "theodore": ("Ted", "Theo", "Teddy"),
    "zachary": ("Zach", "Zack"),
    "nathan": ("Nate",),
    "jeffrey": ("Jeff",),
    "leonard": ("Leo", "Len", "Lenny"),
    "stanley": ("Stan",),
    "albert": ("Al", "Bert"),
    "walter": ("Walt", "Wally"),
    "philip": ("Phil",),
    "margaret": ("Maggie", "Peggy", "Meg", "Margie", "Greta"),
    "katherine": ("Kate", "Kathy", "Katie", "Kat", "Kay"),
    "catherine": ("Cathy", "Kate", "Cat", "Cate"),
    "kathleen": ("Kathy", "Kath"),
    "jennifer": ("Jen", "Jenny", "Jenn"),
    "jessica": ("Jess", "Jessie"),
    "patricia": ("Pat", "Patty", "Trish", "Tricia"),
    "susan": ("Sue", "Susie", "Suzy"),
    "deborah": ("Deb", "Debbie"),
    "debra": ("Deb", "Debbie"),
    "rebecca": ("Becky", "Becca"),
    "christine": ("Chris", "Tina", "Chrissy"),
    "christina": ("Tina", "Chris"),
    "victoria": ("Vicky", "Tori", "Vic"),
    "samantha": ("Sam", "Sammy"),
    "abigail": ("Abby", "Gail"),
    "kimberly": ("Kim",),
    "pamela": ("Pam",),
    "barbara": ("Barb", "Babs"),
    "cynthia": ("Cindy",),
    "theresa": ("Terri", "Tess", "Tessa"),
    "teresa": ("Terri", "Tess"),
    "dorothy": ("Dot", "Dottie", "Dolly"),
    "jacqueline": ("Jackie",),
    "judith": ("Judy",),
    "frances": ("Fran", "Frankie"),
    "eleanor": ("Ellie", "Nell", "Nora"),
    "amanda": ("Mandy", "Amy"),
    "melissa": ("Missy", "Mel"),
    "stephanie": ("Steph",),
    "alexandra": ("Alex", "Sasha", "Lexi"),
    "natalie": ("Nat",),
    "josé": ("Pepe",),
    "francisco": ("Paco", "Pancho", "Frank"),
    "guillermo": ("Memo", "Willy"),
    "alejandro": ("Alex", "Alejo"),
    "roberto": ("Beto",),
    "eduardo": ("Lalo",),
    "enrique": ("Kike", "Henry"),
    "jesús": ("Chuy",),
    "ignacio": ("Nacho",),
    "guadalupe": ("Lupe", "Lupita"),
    "dolores": ("Lola",),
    "josefina": ("Pepa", "Fina"),
    "johannes": ("Hans", "Jo"),
    "friedrich": ("Fritz",),
    "wolfgang": ("Wolf",),
    "maximilian": ("Max",),
    "stefanie": ("Steffi",),
    "franziska": ("Franzi",),
    "katharina": ("Kathi", "Katja"),
    "gabriele": ("Gabi",),
    "christian": ("Chris",),
    "sebastian": ("Basti", "Seb"),
    "seán": ("Shane",),
    "mary": ("Molly", "Polly", "Mae"),
    "ann": ("Annie",),
    "anna": ("Annie", "Ann"),
    "hannah": ("Hanna", "Annie"),
}

# ---------------------------------------------------------------------------------------------------
# Streets
# ---------------------------------------------------------------------------------------------------

US_STREET_NAMES: Final = _words(
    """Main Oak Maple Park Pine Cedar Elm Washington Lake Hill Walnut Spring North Ridge Lincoln
    Church Willow Mill Sunset Railroad Jackson Cherry Highland Jefferson Johnson Madison Franklin
    Center Forest Meadow River Spruce Chestnut Adams Broad Lakeview Dogwood Hickory Birch Magnolia
    Poplar Sycamore Laurel Locust Valley Front Market Water Union Prospect School Grove Green Summit
    Woodland Fairview Orchard Liberty Kennedy Harrison Monroe Grant Wilson Franklin Hillcrest
    Cherokee Sheridan Clinton Pleasant Delaware Ohio Vine Bay Ocean Canyon Mesa Sierra Palm Rose
    1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th 11th 12th 14th 15th 18th 21st 23rd 34th 42nd 57th
    Martin_Luther_King_Jr Old_Mill Country_Club Ponce_de_Leon Santa_Fe El_Camino Peachtree"""
)
#: (full, abbreviation, weight)
US_SUFFIXES: Final[tuple[tuple[str, str, float], ...]] = (
    ("Street", "St", 0.30),
    ("Avenue", "Ave", 0.20),
    ("Road", "Rd", 0.12),
    ("Drive", "Dr", 0.10),
    ("Lane", "Ln", 0.06),
    ("Boulevard", "Blvd", 0.05),
    ("Court", "Ct", 0.05),
    ("Place", "Pl", 0.03),
    ("Way", "Way", 0.03),
    ("Circle", "Cir", 0.02),
    ("Terrace", "Ter", 0.02),
    ("Parkway", "Pkwy", 0.02),
)
GB_STREET_NAMES: Final = _words(
    """High Station Church Park Victoria Green Manor Kings Queens Grange Mill New Alexandra Albert
    York London Chapel Richmond Windsor Springfield Highfield Church Queen School North South Stanley
    Princes Broadway Beech Willow Orchard Cedar Elm Holly Meadow Rectory Vicarage Castle Market
    George Cromwell Nelson Wellington Marlborough Clarence Devonshire Cambridge Oxford Kingsway
    St_Marys St_Johns Abbey Priory Brook Hawthorn Chestnut Sycamore Lime Ash Rose Acacia"""
)
GB_SUFFIXES: Final[tuple[tuple[str, str, float], ...]] = (
    ("Road", "Rd", 0.34),
    ("Street", "St", 0.22),
    ("Lane", "Ln", 0.10),
    ("Avenue", "Ave", 0.09),
    ("Close", "Cl", 0.06),
    ("Drive", "Dr", 0.05),
    ("Gardens", "Gdns", 0.03),
    ("Way", "Way", 0.03),
    ("Crescent", "Cres", 0.03),
    ("Grove", "Gr", 0.02),
    ("Place", "Pl", 0.02),
    ("Terrace", "Ter", 0.01),
)
DE_STREET_NAMES: Final = _words(
    """Haupt Bahnhof Schul Garten Dorf Berg Linden Kirch Wald Ring Post Wiesen Birken Mühlen
    Friedhof Rosen Buchen Eichen Goethe Schiller Feld Blumen Sonnen Mozart Beethoven Tal Brunnen
    Markt Burg Uhland Kant Lessing Heine Kastanien Fichten Tannen Luisen Wilhelm Friedrich
    Königs Bismarck Feldberg Rhein Main Donau Elb"""
)
#: German street types are written as one word with the name (Hauptstraße) or separately (Am Markt)
DE_SUFFIXES: Final[tuple[tuple[str, str, float], ...]] = (
    ("straße", "str.", 0.66),
    ("weg", "weg", 0.18),
    ("allee", "allee", 0.05),
    ("platz", "pl.", 0.04),
    ("gasse", "g.", 0.03),
    ("ring", "ring", 0.04),
)
FR_STREET_NAMES: Final = _words(
    """de_la_Paix Victor_Hugo de_la_République Jean_Jaurès du_Général_de_Gaulle Pasteur de_la_Gare
    des_Écoles du_Moulin de_l'Église Voltaire Gambetta Jules_Ferry de_la_Liberté Émile_Zola
    du_Château des_Lilas Saint-Michel Foch Carnot du_Stade de_Verdun Haussmann Nationale
    Aristide_Briand de_Lattre_de_Tassigny Anatole_France des_Acacias du_Port Saint-Honoré"""
)
FR_SUFFIXES: Final[tuple[tuple[str, str, float], ...]] = (
    ("rue", "r.", 0.62),
    ("avenue", "av.", 0.16),
    ("boulevard", "bd", 0.09),
    ("place", "pl.", 0.05),
    ("impasse", "imp.", 0.04),
    ("chemin", "ch.", 0.04),
)

# ---------------------------------------------------------------------------------------------------
# Cities.  Postcode plans:
#   ("range", lo, hi, width)         numeric postcodes (US ZIP, DE PLZ, FR, AU)
#   ("uk", outward codes)            UK: outward + " " + digit + 2 letters
#   ("ca", FSAs)                     Canada: FSA + " " + digit letter digit
#   ("ie", routing keys)             Eircode: routing key + " " + 4 characters
# Phone plans (landline): tuples of (prefix, first digits allowed, random digits after, groups), where
# prefix is the national significant number prefix (area code without trunk 0) and groups are the
# digit-group lengths of the full national significant number.
# ---------------------------------------------------------------------------------------------------


PhonePlan = tuple[str, str, int, tuple[int, ...]]


class City(NamedTuple):
    """One city with its region, population weight, postcode plan and landline plan."""

    country: str
    name: str
    state: str
    state_name: str
    weight: float
    postcode: tuple[object, ...]
    #: NANP area codes (US, CA); empty elsewhere
    area_codes: tuple[str, ...]
    #: landline plan outside NANP: (prefix, first digits allowed, random digits after, groups)
    landline: PhonePlan | None = None


def _us(name: str, st: str, st_name: str, w: float, lo: int, hi: int, codes: str) -> City:
    return City("US", name, st, st_name, w, ("range", lo, hi, 5), tuple(codes.split()))


US_CITIES: Final[tuple[City, ...]] = (
    _us("New York", "NY", "New York", 8.3, 10001, 10282, "212 646 917 332"),
    _us("Brooklyn", "NY", "New York", 2.6, 11201, 11256, "718 347 929"),
    _us("Los Angeles", "CA", "California", 3.9, 90001, 90089, "213 323 310 424 818"),
    _us("Chicago", "IL", "Illinois", 2.7, 60601, 60661, "312 773 872"),
    _us("Houston", "TX", "Texas", 2.3, 77001, 77099, "713 281 832 346"),
    _us("Phoenix", "AZ", "Arizona", 1.6, 85001, 85054, "602 480 623"),
    _us("Philadelphia", "PA", "Pennsylvania", 1.6, 19102, 19154, "215 267 445"),
    _us("San Antonio", "TX", "Texas", 1.4, 78201, 78260, "210 726"),
    _us("San Diego", "CA", "California", 1.4, 92101, 92199, "619 858"),
    _us("Dallas", "TX", "Texas", 1.3, 75201, 75287, "214 469 972"),
    _us("San Jose", "CA", "California", 1.0, 95110, 95139, "408 669"),
    _us("Austin", "TX", "Texas", 0.96, 78701, 78759, "512 737"),
    _us("Jacksonville", "FL", "Florida", 0.95, 32202, 32258, "904"),
    _us("Fort Worth", "TX", "Texas", 0.92, 76101, 76199, "817 682"),
    _us("Columbus", "OH", "Ohio", 0.9, 43201, 43240, "614 380"),
    _us("Charlotte", "NC", "North Carolina", 0.87, 28202, 28280, "704 980"),
    _us("San Francisco", "CA", "California", 0.87, 94102, 94134, "415 628"),
    _us("Indianapolis", "IN", "Indiana", 0.88, 46201, 46260, "317 463"),
    _us("Seattle", "WA", "Washington", 0.74, 98101, 98199, "206"),
    _us("Denver", "CO", "Colorado", 0.72, 80202, 80249, "303 720"),
    _us("Washington", "DC", "District of Columbia", 0.69, 20001, 20037, "202"),
    _us("Boston", "MA", "Massachusetts", 0.69, 2108, 2137, "617 857"),
    _us("Nashville", "TN", "Tennessee", 0.67, 37201, 37250, "615 629"),
    _us("Detroit", "MI", "Michigan", 0.67, 48201, 48239, "313"),
    _us("Portland", "OR", "Oregon", 0.65, 97201, 97239, "503 971"),
    _us("Las Vegas", "NV", "Nevada", 0.64, 89101, 89183, "702 725"),
    _us("Memphis", "TN", "Tennessee", 0.65, 38103, 38141, "901"),
    _us("Louisville", "KY", "Kentucky", 0.62, 40202, 40299, "502"),
    _us("Baltimore", "MD", "Maryland", 0.6, 21201, 21239, "410 443 667"),
    _us("Milwaukee", "WI", "Wisconsin", 0.59, 53202, 53233, "414"),
    _us("Albuquerque", "NM", "New Mexico", 0.56, 87101, 87123, "505"),
    _us("Tucson", "AZ", "Arizona", 0.54, 85701, 85757, "520"),
    _us("Fresno", "CA", "California", 0.53, 93701, 93741, "559"),
    _us("Sacramento", "CA", "California", 0.51, 95811, 95838, "916 279"),
    _us("Kansas City", "MO", "Missouri", 0.49, 64101, 64157, "816"),
    _us("Atlanta", "GA", "Georgia", 0.5, 30303, 30350, "404 470 678 770"),
    _us("Miami", "FL", "Florida", 0.47, 33125, 33199, "305 786"),
    _us("Raleigh", "NC", "North Carolina", 0.47, 27601, 27617, "919 984"),
    _us("Omaha", "NE", "Nebraska", 0.48, 68102, 68164, "402 531"),
    _us("Minneapolis", "MN", "Minnesota", 0.43, 55401, 55455, "612"),
    _us("Tulsa", "OK", "Oklahoma", 0.41, 74103, 74137, "918 539"),
    _us("Cleveland", "OH", "Ohio", 0.38, 44101, 44199, "216"),
    _us("Tampa", "FL", "Florida", 0.39, 33602, 33647, "813 656"),
    _us("Orlando", "FL", "Florida", 0.31, 32801, 32839, "407 689"),
    _us("New Orleans", "LA", "Louisiana", 0.38, 70112, 70131, "504"),
    _us("Pittsburgh", "PA", "Pennsylvania", 0.3, 15201, 15244, "412 878"),
    _us("Cincinnati", "OH", "Ohio", 0.31, 45202, 45255, "513"),
    _us("St. Louis", "MO", "Missouri", 0.3, 63101, 63147, "314 557"),
    _us("Salt Lake City", "UT", "Utah", 0.2, 84101, 84128, "801 385"),
    _us("Newark", "NJ", "New Jersey", 0.31, 7102, 7114, "973 862"),
    _us("Jersey City", "NJ", "New Jersey", 0.29, 7302, 7311, "201 551"),
    _us("Hartford", "CT", "Connecticut", 0.12, 6101, 6120, "860 959"),
    _us("Providence", "RI", "Rhode Island", 0.19, 2903, 2909, "401"),
    _us("Buffalo", "NY", "New York", 0.28, 14201, 14228, "716"),
    _us("Richmond", "VA", "Virginia", 0.23, 23219, 23236, "804"),
    _us("Birmingham", "AL", "Alabama", 0.2, 35203, 35244, "205 659"),
    _us("Boise", "ID", "Idaho", 0.23, 83702, 83716, "208 986"),
    _us("Madison", "WI", "Wisconsin", 0.27, 53703, 53719, "608"),
    _us("Des Moines", "IA", "Iowa", 0.21, 50309, 50322, "515"),
    _us("Anchorage", "AK", "Alaska", 0.29, 99501, 99518, "907"),
    _us("Honolulu", "HI", "Hawaii", 0.35, 96813, 96826, "808"),
    _us("Burlington", "VT", "Vermont", 0.04, 5401, 5408, "802"),
    _us("Portland", "ME", "Maine", 0.07, 4101, 4112, "207"),
    _us("Manchester", "NH", "New Hampshire", 0.11, 3101, 3111, "603"),
    _us("Wilmington", "DE", "Delaware", 0.07, 19801, 19810, "302"),
    _us("Charleston", "SC", "South Carolina", 0.15, 29401, 29414, "843 854"),
    _us("Little Rock", "AR", "Arkansas", 0.2, 72201, 72227, "501"),
    _us("Jackson", "MS", "Mississippi", 0.15, 39201, 39216, "601 769"),
    _us("Oklahoma City", "OK", "Oklahoma", 0.68, 73102, 73179, "405 572"),
    _us("Spokane", "WA", "Washington", 0.23, 99201, 99224, "509"),
    _us("Cheyenne", "WY", "Wyoming", 0.06, 82001, 82009, "307"),
    _us("Billings", "MT", "Montana", 0.11, 59101, 59106, "406"),
    _us("Fargo", "ND", "North Dakota", 0.13, 58102, 58104, "701"),
    _us("Sioux Falls", "SD", "South Dakota", 0.19, 57103, 57110, "605"),
    _us("Charleston", "WV", "West Virginia", 0.05, 25301, 25315, "304 681"),
    _us("Lexington", "KY", "Kentucky", 0.32, 40502, 40517, "859"),
)


def _gb(name: str, county: str, w: float, outward: str, area: PhonePlan) -> City:
    return City("GB", name, "", county, w, ("uk", *outward.split()), (), area)


# Landline plans for GB and the other non-NANP countries: (prefix, first digits, n random, groups)
GB_CITIES: Final[tuple[City, ...]] = (
    _gb(
        "London",
        "Greater London",
        9.0,
        "E1 E2 E3 E14 E17 N1 N4 N7 N16 N19 NW1 NW3 NW6 NW10 SE1 SE5 SE10 SE15 SE22 SW2 SW4 SW11 SW15 "
        "SW19 W2 W4 W11 W14 EC1V EC2A WC1H WC2N",
        ("20", "378", 7, (2, 4, 4)),
    ),
    _gb(
        "Manchester",
        "Greater Manchester",
        2.8,
        "M1 M4 M8 M13 M14 M16 M20 M21 M40",
        ("161", "2345678", 6, (3, 3, 4)),
    ),
    _gb(
        "Birmingham",
        "West Midlands",
        2.6,
        "B1 B5 B11 B13 B15 B23 B29 B30 B44",
        ("121", "234567", 6, (3, 3, 4)),
    ),
    _gb("Leeds", "West Yorkshire", 1.9, "LS1 LS2 LS6 LS7 LS8 LS11 LS17", ("113", "2345", 6, (3, 3, 4))),
    _gb("Glasgow", "Glasgow City", 1.7, "G1 G3 G11 G12 G20 G31 G41", ("141", "2345689", 6, (3, 3, 4))),
    _gb(
        "Edinburgh", "City of Edinburgh", 1.3, "EH1 EH3 EH6 EH7 EH10 EH11 EH16", ("131", "2345", 6, (3, 3, 4))
    ),
    _gb("Liverpool", "Merseyside", 1.4, "L1 L3 L8 L15 L17 L18", ("151", "2345", 6, (3, 3, 4))),
    _gb("Bristol", "Bristol", 1.2, "BS1 BS2 BS3 BS5 BS6 BS7 BS8", ("117", "9", 6, (3, 3, 4))),
    _gb("Sheffield", "South Yorkshire", 1.1, "S1 S2 S7 S10 S11", ("114", "2", 6, (3, 3, 4))),
    _gb("Cardiff", "Cardiff", 0.8, "CF10 CF11 CF14 CF23 CF24", ("29", "2", 7, (2, 4, 4))),
    _gb("Nottingham", "Nottinghamshire", 0.8, "NG1 NG5 NG7 NG9", ("115", "9", 6, (3, 3, 4))),
    _gb("Belfast", "County Antrim", 0.7, "BT1 BT5 BT7 BT9", ("28", "9", 7, (2, 4, 4))),
)


def _ca(name: str, prov: str, prov_name: str, w: float, fsas: str, codes: str) -> City:
    return City("CA", name, prov, prov_name, w, ("ca", *fsas.split()), tuple(codes.split()))


CA_CITIES: Final[tuple[City, ...]] = (
    _ca("Toronto", "ON", "Ontario", 6.2, "M4C M5V M6G M6K M4L M1B M2N M9V M5R M4E", "416 647 437"),
    _ca("Montreal", "QC", "Quebec", 4.3, "H2X H3A H2T H4A H1A H3H H2J H4B", "514 438"),
    _ca("Vancouver", "BC", "British Columbia", 2.6, "V5K V5L V6B V6K V6J V5T", "604 778 236"),
    _ca("Calgary", "AB", "Alberta", 1.5, "T2P T3A T2E T3H T2T", "403 587 825"),
    _ca("Ottawa", "ON", "Ontario", 1.4, "K1P K2P K1S K2G K1Y", "613 343"),
    _ca("Edmonton", "AB", "Alberta", 1.4, "T5J T6E T5K T6G", "780 587"),
    _ca("Winnipeg", "MB", "Manitoba", 0.8, "R3C R2M R3M", "204 431"),
    _ca("Halifax", "NS", "Nova Scotia", 0.45, "B3H B3K B3L", "902 782"),
    _ca("Quebec City", "QC", "Quebec", 0.8, "G1R G1K G1S", "418 581"),
)


def _plan(
    country: str, name: str, st: str, st_name: str, w: float, postcode: tuple[object, ...], area: PhonePlan
) -> City:
    return City(country, name, st, st_name, w, postcode, (), area)


DE_CITIES: Final[tuple[City, ...]] = (
    _plan("DE", "Berlin", "BE", "Berlin", 3.7, ("range", 10115, 14199, 5), ("30", "2345678", 7, (2, 8))),
    _plan("DE", "Hamburg", "HH", "Hamburg", 1.9, ("range", 20095, 22769, 5), ("40", "2345678", 7, (2, 8))),
    _plan("DE", "München", "BY", "Bayern", 1.5, ("range", 80331, 81929, 5), ("89", "2345678", 7, (2, 8))),
    _plan(
        "DE",
        "Köln",
        "NW",
        "Nordrhein-Westfalen",
        1.1,
        ("range", 50667, 51149, 5),
        ("221", "2345789", 6, (3, 7)),
    ),
    _plan(
        "DE",
        "Frankfurt am Main",
        "HE",
        "Hessen",
        0.75,
        ("range", 60306, 60599, 5),
        ("69", "2345789", 7, (2, 8)),
    ),
    _plan(
        "DE",
        "Stuttgart",
        "BW",
        "Baden-Württemberg",
        0.63,
        ("range", 70173, 70629, 5),
        ("711", "2345678", 6, (3, 7)),
    ),
    _plan(
        "DE",
        "Düsseldorf",
        "NW",
        "Nordrhein-Westfalen",
        0.62,
        ("range", 40210, 40629, 5),
        ("211", "2345689", 6, (3, 7)),
    ),
    _plan("DE", "Leipzig", "SN", "Sachsen", 0.6, ("range", 4103, 4357, 5), ("341", "2345689", 6, (3, 7))),
    _plan(
        "DE",
        "Dortmund",
        "NW",
        "Nordrhein-Westfalen",
        0.59,
        ("range", 44135, 44388, 5),
        ("231", "2345789", 6, (3, 7)),
    ),
)

AU_CITIES: Final[tuple[City, ...]] = (
    _plan("AU", "Sydney", "NSW", "New South Wales", 5.3, ("range", 2000, 2234, 4), ("2", "89", 7, (1, 4, 4))),
    _plan("AU", "Melbourne", "VIC", "Victoria", 5.1, ("range", 3000, 3207, 4), ("3", "89", 7, (1, 4, 4))),
    _plan("AU", "Brisbane", "QLD", "Queensland", 2.6, ("range", 4000, 4179, 4), ("7", "3", 7, (1, 4, 4))),
    _plan("AU", "Perth", "WA", "Western Australia", 2.1, ("range", 6000, 6199, 4), ("8", "9", 7, (1, 4, 4))),
    _plan(
        "AU", "Adelaide", "SA", "South Australia", 1.4, ("range", 5000, 5199, 4), ("8", "78", 7, (1, 4, 4))
    ),
    _plan(
        "AU",
        "Canberra",
        "ACT",
        "Australian Capital Territory",
        0.46,
        ("range", 2600, 2620, 4),
        ("2", "6", 7, (1, 4, 4)),
    ),
    _plan("AU", "Hobart", "TAS", "Tasmania", 0.25, ("range", 7000, 7054, 4), ("36", "1234567", 6, (1, 4, 4))),
)

FR_CITIES: Final[tuple[City, ...]] = (
    _plan(
        "FR", "Paris", "", "Île-de-France", 2.1, ("range", 75001, 75020, 5), ("1", "4", 7, (1, 2, 2, 2, 2))
    ),
    _plan(
        "FR",
        "Marseille",
        "",
        "Provence-Alpes-Côte d'Azur",
        0.87,
        ("range", 13001, 13016, 5),
        ("4", "9", 7, (1, 2, 2, 2, 2)),
    ),
    _plan(
        "FR",
        "Lyon",
        "",
        "Auvergne-Rhône-Alpes",
        0.52,
        ("range", 69001, 69009, 5),
        ("4", "7", 7, (1, 2, 2, 2, 2)),
    ),
    _plan(
        "FR", "Toulouse", "", "Occitanie", 0.49, ("range", 31000, 31500, 5), ("5", "6", 7, (1, 2, 2, 2, 2))
    ),
    _plan(
        "FR",
        "Nice",
        "",
        "Provence-Alpes-Côte d'Azur",
        0.34,
        ("range", 6000, 6300, 5),
        ("4", "9", 7, (1, 2, 2, 2, 2)),
    ),
    _plan(
        "FR",
        "Nantes",
        "",
        "Pays de la Loire",
        0.32,
        ("range", 44000, 44300, 5),
        ("2", "4", 7, (1, 2, 2, 2, 2)),
    ),
    _plan(
        "FR",
        "Bordeaux",
        "",
        "Nouvelle-Aquitaine",
        0.26,
        ("range", 33000, 33800, 5),
        ("5", "5", 7, (1, 2, 2, 2, 2)),
    ),
    _plan(
        "FR", "Lille", "", "Hauts-de-France", 0.23, ("range", 59000, 59800, 5), ("3", "2", 7, (1, 2, 2, 2, 2))
    ),
)

IE_CITIES: Final[tuple[City, ...]] = (
    _plan(
        "IE",
        "Dublin",
        "D",
        "Co. Dublin",
        5.5,
        ("ie", "D01", "D02", "D04", "D06", "D08", "D12", "D15", "D24", "D6W"),
        ("1", "2345689", 6, (1, 3, 4)),
    ),
    _plan("IE", "Cork", "CO", "Co. Cork", 1.2, ("ie", "T12", "T23"), ("21", "4", 6, (2, 3, 4))),
    _plan(
        "IE",
        "Galway",
        "G",
        "Co. Galway",
        0.5,
        (
            "ie",
            "H91",
        ),
        ("91", "5", 5, (2, 3, 3)),
    ),
    _plan(
        "IE",
        "Limerick",
        "LK",
        "Co. Limerick",
        0.5,
        (
            "ie",
            "V94",
        ),
        ("61", "234", 5, (2, 3, 3)),
    ),
)

CITIES: Final[dict[str, tuple[City, ...]]] = {
    "US": US_CITIES,
    "GB": GB_CITIES,
    "CA": CA_CITIES,
    "DE": DE_CITIES,
    "AU": AU_CITIES,
    "FR": FR_CITIES,
    "IE": IE_CITIES,
}

#: Country calling codes.
CALLING_CODES: Final[dict[str, str]] = {
    "US": "1",
    "CA": "1",
    "GB": "44",
    "DE": "49",
    "AU": "61",
    "FR": "33",
    "IE": "353",
}

#: Mobile plans per country: tuples of (prefix, first digits allowed, random digits after, groups).
MOBILE_PLANS: Final[dict[str, tuple[PhonePlan, ...]]] = {
    "GB": (("7", "123458", 8, (4, 6)), ("77", "123456789", 7, (4, 6)), ("79", "023456789", 7, (4, 6))),
    "DE": (("15", "1279", 8, (3, 8)), ("17", "0123456789", 8, (3, 8)), ("16", "02", 8, (3, 8))),
    "AU": (("4", "01236", 7, (3, 3, 3)),),
    "FR": (("6", "01245678", 7, (1, 2, 2, 2, 2)), ("7", "3456789", 7, (1, 2, 2, 2, 2))),
    "IE": (("8", "35679", 7, (2, 3, 4)),),
}

#: Names for countries as people type them into an ERP (the ISO code is the usual value).
COUNTRY_SPELLINGS: Final[dict[str, tuple[str, ...]]] = {
    "US": ("United States", "USA", "U.S.A.", "US ", "United States of America", "us"),
    "GB": ("UK", "United Kingdom", "Great Britain", "England", "U.K.", "gb"),
    "CA": ("Canada", "CAN", "ca"),
    "DE": ("Germany", "Deutschland", "DEU", "de"),
    "AU": ("Australia", "AUS", "au"),
    "FR": ("France", "FRA", "fr"),
    "IE": ("Ireland", "Republic of Ireland", "IRL", "Eire"),
}

# ---------------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------------

#: Personal e-mail providers by country: (domain, share).  Shares are normalised by the generator.
EMAIL_PROVIDERS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "US": (
        ("gmail.com", 0.35),
        ("yahoo.com", 0.13),
        ("hotmail.com", 0.07),
        ("outlook.com", 0.07),
        ("icloud.com", 0.08),
        ("aol.com", 0.05),
        ("comcast.net", 0.03),
        ("att.net", 0.02),
        ("sbcglobal.net", 0.015),
        ("msn.com", 0.015),
        ("verizon.net", 0.01),
        ("live.com", 0.015),
        ("me.com", 0.01),
        ("protonmail.com", 0.01),
        ("bellsouth.net", 0.01),
        ("cox.net", 0.01),
        ("charter.net", 0.005),
    ),
    "GB": (
        ("gmail.com", 0.35),
        ("hotmail.co.uk", 0.12),
        ("yahoo.co.uk", 0.07),
        ("outlook.com", 0.08),
        ("btinternet.com", 0.06),
        ("icloud.com", 0.06),
        ("live.co.uk", 0.04),
        ("sky.com", 0.03),
        ("virginmedia.com", 0.03),
        ("aol.co.uk", 0.015),
        ("hotmail.com", 0.03),
        ("talktalk.net", 0.015),
    ),
    "CA": (
        ("gmail.com", 0.38),
        ("hotmail.com", 0.12),
        ("yahoo.ca", 0.08),
        ("outlook.com", 0.08),
        ("icloud.com", 0.06),
        ("rogers.com", 0.05),
        ("shaw.ca", 0.04),
        ("sympatico.ca", 0.03),
        ("videotron.ca", 0.02),
        ("live.ca", 0.02),
        ("bell.net", 0.02),
    ),
    "DE": (
        ("gmail.com", 0.25),
        ("web.de", 0.18),
        ("gmx.de", 0.16),
        ("t-online.de", 0.10),
        ("yahoo.de", 0.04),
        ("outlook.de", 0.05),
        ("icloud.com", 0.05),
        ("gmx.net", 0.04),
        ("freenet.de", 0.02),
        ("posteo.de", 0.01),
    ),
    "AU": (
        ("gmail.com", 0.35),
        ("bigpond.com", 0.12),
        ("hotmail.com", 0.10),
        ("outlook.com", 0.08),
        ("yahoo.com.au", 0.08),
        ("icloud.com", 0.08),
        ("optusnet.com.au", 0.05),
        ("live.com.au", 0.02),
    ),
    "FR": (
        ("gmail.com", 0.35),
        ("orange.fr", 0.15),
        ("hotmail.fr", 0.10),
        ("free.fr", 0.08),
        ("yahoo.fr", 0.06),
        ("sfr.fr", 0.05),
        ("laposte.net", 0.05),
        ("outlook.fr", 0.04),
        ("wanadoo.fr", 0.03),
    ),
    "IE": (
        ("gmail.com", 0.40),
        ("hotmail.com", 0.12),
        ("eircom.net", 0.08),
        ("yahoo.com", 0.06),
        ("outlook.com", 0.10),
        ("icloud.com", 0.07),
        ("yahoo.ie", 0.03),
        ("live.ie", 0.03),
    ),
}

#: Domain typos people make (domain -> misspellings).
DOMAIN_TYPOS: Final[dict[str, tuple[str, ...]]] = {
    "gmail.com": (
        "gmial.com",
        "gmai.com",
        "gmaill.com",
        "gamil.com",
        "gmail.co",
        "gmail.con",
        "gnail.com",
        "gmail.cm",
        "gmal.com",
    ),
    "yahoo.com": ("yahooo.com", "yaho.com", "yahoo.con", "yhoo.com", "yahoo.co"),
    "hotmail.com": ("hotmial.com", "hotmai.com", "hotmail.con", "hotmal.com", "hotamil.com"),
    "outlook.com": ("outlok.com", "outlook.con", "outllook.com"),
    "icloud.com": ("iclod.com", "icloud.con", "icoud.com"),
    "aol.com": ("aol.con", "aoll.com", "ao.com"),
    "comcast.net": ("comcast.com", "comcat.net", "comcast.ent"),
    "hotmail.co.uk": ("hotmail.co", "hotmial.co.uk", "hotmail.couk"),
    "yahoo.co.uk": ("yahoo.co", "yahooo.co.uk"),
    "btinternet.com": ("btinternet.co", "btinterent.com"),
}

#: Words used for "handle" style local parts (sunnyday84@...).
HANDLE_WORDS: Final = _words(
    """sunny happy blue red green star moon sky tiger lion wolf bear eagle hawk fox cool the real
    big little mr mrs miss doc coach chef rock music soccer golf surf ski beach river lake mountain
    angel rose lily daisy honey sugar lucky magic dream shadow storm thunder fire ice silver gold
    crazy wild jazz blues boss king queen prince princess ninja pirate"""
)

#: Words for B2B company names and their domains.
COMPANY_WORDS: Final = _words(
    """Acme Northwind Bluebird Summit Pinnacle Harbor Keystone Redwood Silverline Ironbridge Cedar
    Evergreen Lakeside Frontier Meridian Horizon Beacon Granite Oakridge Sterling Atlas Apex Vertex
    Coastal Prairie Liberty Heritage Crescent Riverside Highland Union Pioneer Cardinal Falcon Orion
    Sequoia Willow Maple Juniper Cobalt Copper Amber Ember Quartz Polaris Trident Vanguard"""
)
COMPANY_NOUNS: Final = _words(
    """Traders Supply Logistics Builders Dental Foods Outfitters Design Consulting Partners Media
    Electric Plumbing Interiors Motors Landscaping Labs Systems Wholesale Imports Studio Brewing
    Coffee Fitness Health Realty Legal Marketing Events Catering Print Tools Hardware"""
)
COMPANY_SUFFIX: Final[dict[str, tuple[str, ...]]] = {
    "US": ("Inc.", "LLC", "Co.", "Corp.", "Inc", ""),
    "GB": ("Ltd", "Ltd.", "Limited", "PLC", ""),
    "CA": ("Inc.", "Ltd.", "Corp.", "Ltée", ""),
    "DE": ("GmbH", "GmbH & Co. KG", "AG", "e.K.", ""),
    "AU": ("Pty Ltd", "Pty. Ltd.", "Ltd", ""),
    "FR": ("SARL", "SAS", "SA", ""),
    "IE": ("Ltd", "Limited", "DAC", ""),
}
COUNTRY_TLD: Final[dict[str, tuple[str, ...]]] = {
    "US": (".com", ".com", ".com", ".net", ".co", ".us"),
    "GB": (".co.uk", ".co.uk", ".com", ".uk"),
    "CA": (".ca", ".com", ".ca"),
    "DE": (".de", ".de", ".com"),
    "AU": (".com.au", ".com.au", ".au"),
    "FR": (".fr", ".fr", ".com"),
    "IE": (".ie", ".ie", ".com"),
}

#: Typed for a phone number when the clerk had nothing to enter.
PHONE_JUNK: Final = (
    "n/a",
    "N/A",
    "0",
    "none",
    "None",
    "-",
    "000-000-0000",
    "tbd",
    "no phone",
    ".",
    "x",
    "0000000000",
    "unknown",
)

#: QWERTY neighbours, for keyboard-adjacent typos.
KEYBOARD_NEIGHBOURS: Final[dict[str, str]] = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "awdz",
    "d": "sefx",
    "f": "drgc",
    "g": "fthv",
    "h": "gyjb",
    "j": "hukn",
    "k": "jilm",
    "l": "kop",
    "z": "asx",
    "x": "zsdc",
    "c": "xdfv",
    "v": "cfgb",
    "b": "vghn",
    "n": "bhjm",
    "m": "njk",
}
