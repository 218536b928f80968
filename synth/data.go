package synth

// The tables below are the raw material of the generator: names, streets,
// cities, telephone plans, operators and goods. They are literals so that a
// reader can check them against the real thing and extend them in place.
//
// Templates: in streets, lockers and postcodes a '%' is a house number drawn
// from the country's range, '^' a small number (1–40) for flats and floors,
// '&' a three-digit and '~' a four-digit number; in postcodes '#' is a digit
// and '@' a capital letter; in VAT numbers '#' is a digit.

// nameStyle says how a locale builds a full name.
type nameStyle uint8

const (
	western     nameStyle = iota // given name, then family name
	familyFirst                  // family name, then given name (China)
	twoSurnames                  // Spanish and Portuguese double family names
	polish                       // -ski/-cki family names take -ska/-cka for women
	czech                        // women's family names take -ová or -á
)

// locale is a pool of given and family names. Given names list the male
// names first: female marks where the female names start, so that family
// names can agree with the given name where the language wants it.
type locale struct {
	first  []string
	female int
	last   []string
	style  nameStyle
}

var (
	locDE = &locale{
		first: []string{
			"Lukas", "Leon", "Finn", "Jonas", "Paul", "Felix", "Maximilian", "Elias", "Jürgen", "Stefan",
			"Thomas", "Michael", "Andreas", "Uwe", "Klaus", "Jörg", "Sören",
			"Anna", "Lena", "Marie", "Sophie", "Laura", "Julia", "Katharina", "Sabine", "Petra",
			"Ute", "Jana", "Lea", "Hannah", "Mia", "Brigitte", "Renate",
		},
		female: 17,
		last: []string{
			"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
			"Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
			"Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Weiß",
			"Groß", "Jäger",
		},
	}
	locNL = &locale{
		first: []string{
			"Daan", "Sem", "Lucas", "Levi", "Bram", "Thijs", "Jeroen", "Pieter", "Sander", "Ruud",
			"Wouter", "Joost", "Koen", "Maarten", "Bas",
			"Emma", "Julia", "Sanne", "Fleur", "Anouk", "Lotte", "Eva", "Femke", "Noor", "Ilse",
			"Marieke", "Ingrid", "Mieke", "Saskia", "Lieke",
		},
		female: 15,
		last: []string{
			"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
			"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
			"de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "Vermeulen", "Peeters",
			"Maes", "Willems",
		},
	}
	locFR = &locale{
		first: []string{
			"Jean", "Pierre", "Louis", "Gabriel", "Hugo", "Lucas", "Théo", "Mathis", "Nicolas", "Julien",
			"François", "Sébastien", "Jérôme", "Olivier", "Antoine",
			"Marie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Élodie", "Céline", "Nathalie", "Isabelle",
			"Sophie", "Amélie", "Margaux", "Émilie", "Hélène",
		},
		female: 15,
		last: []string{
			"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
			"Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
			"Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Rousseau", "Lefèvre",
			"Faure", "Gauthier",
		},
	}
	locGB = &locale{
		first: []string{
			"Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William", "Oscar", "Alfie",
			"Daniel", "Matthew", "Liam", "Seán", "Ciarán",
			"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Charlotte", "Jessica", "Hannah",
			"Lucy", "Niamh", "Siobhán", "Aoife", "Chloe",
		},
		female: 15,
		last: []string{
			"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
			"Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
			"Murphy", "Kelly", "O'Brien", "O'Sullivan", "Byrne", "Ryan", "Hughes", "Edwards", "Lewis", "Harris",
		},
	}
	locUS = &locale{
		first: []string{
			"James", "John", "Robert", "Michael", "David", "William", "Richard", "Joseph", "Christopher", "Daniel",
			"Matthew", "Anthony", "Ethan", "Noah", "Tyler",
			"Mary", "Jennifer", "Linda", "Elizabeth", "Jessica", "Sarah", "Ashley", "Emily", "Madison", "Olivia",
			"Emma", "Megan", "Brittany", "Samantha", "Chloe",
		},
		female: 15,
		last: []string{
			"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Wilson",
			"Martinez", "Anderson", "Taylor", "Thomas", "Hernandez", "Moore", "Martin", "Jackson", "Thompson", "White",
			"Lopez", "Lee", "Gonzalez", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
			"Nguyen", "Patel",
		},
	}
	locPL = &locale{
		first: []string{
			"Łukasz", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Kamil", "Mateusz",
			"Wojciech", "Grzegorz", "Bartosz", "Szymon", "Andrzej",
			"Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Joanna", "Magdalena", "Monika", "Ewa", "Dorota", "Aleksandra",
			"Zofia", "Natalia", "Justyna", "Beata", "Żaneta",
		},
		female: 15,
		last: []string{
			"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
			"Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
			"Michalski", "Nowicki", "Adamczyk", "Dudek", "Zając", "Wieczorek", "Jabłoński", "Król", "Majewski", "Olszewski",
			"Sikorski", "Wróbel",
		},
		style: polish,
	}
	locCZ = &locale{
		first: []string{
			"Jan", "Petr", "Jiří", "Josef", "Pavel", "Martin", "Tomáš", "Jaroslav", "Miroslav", "Zdeněk",
			"Václav", "Michal", "Lukáš", "Ondřej", "Vojtěch",
			"Jana", "Marie", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Lucie", "Věra", "Alena",
			"Petra", "Veronika", "Tereza", "Markéta", "Zuzana",
		},
		female: 15,
		last: []string{
			"Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
			"Marek", "Pospíšil", "Pokorný", "Hájek", "Král", "Jelínek", "Růžička", "Beneš", "Fiala", "Sedláček",
			"Doležal", "Zeman", "Kolář", "Navrátil", "Čermák", "Urban", "Kopecký", "Blažek", "Kříž", "Kovář",
		},
		style: czech,
	}
	locIT = &locale{
		first: []string{
			"Marco", "Alessandro", "Giuseppe", "Francesco", "Luca", "Andrea", "Matteo", "Lorenzo", "Davide", "Stefano",
			"Giovanni", "Antonio", "Roberto", "Niccolò", "Fabrizio",
			"Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Federica", "Elena", "Silvia",
			"Paola", "Laura", "Sofia", "Aurora", "Beatrice",
		},
		female: 15,
		last: []string{
			"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
			"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
			"Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
			"D'Angelo", "Longo",
		},
	}
	locES = &locale{
		first: []string{
			"Alejandro", "Daniel", "Pablo", "David", "Javier", "Carlos", "José", "Manuel", "Sergio", "Andrés",
			"Juan", "Diego", "Luis", "Santiago", "Mateo",
			"María", "Lucía", "Paula", "Laura", "Marta", "Carmen", "Sofía", "Valentina", "Camila", "Isabel",
			"Ana", "Andrea", "Gabriela", "Ximena", "Daniela",
		},
		female: 15,
		last: []string{
			"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
			"Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Torres", "Ramírez",
			"Flores", "Vargas", "Castillo", "Rojas", "Quispe", "Mamani", "Gutiérrez", "Ortiz", "Castro", "Suárez",
		},
		style: twoSurnames,
	}
	locPT = &locale{
		first: []string{
			"João", "Pedro", "Lucas", "Gabriel", "Rafael", "Miguel", "Tiago", "Gonçalo", "Matheus", "Gustavo",
			"Felipe", "Bruno", "Rodrigo", "André", "Luís",
			"Maria", "Ana", "Beatriz", "Mariana", "Inês", "Sofia", "Júlia", "Larissa", "Camila", "Fernanda",
			"Letícia", "Juliana", "Patrícia", "Carolina", "Leonor",
		},
		female: 15,
		last: []string{
			"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa",
			"Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho",
			"Teixeira", "Moreira", "Correia", "Mendes", "Nunes", "Soares", "Vieira", "Monteiro", "Cardoso", "Barbosa",
		},
		style: twoSurnames,
	}
	locNordic = &locale{
		first: []string{
			"Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael", "Oskar", "Jonas",
			"Mads", "Søren", "Mikko", "Juha", "Björn",
			"Anna", "Eva", "Maria", "Karin", "Sara", "Emma", "Ingrid", "Astrid", "Maja", "Elsa",
			"Freja", "Sofie", "Mette", "Aino", "Liisa",
		},
		female: 15,
		last: []string{
			"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
			"Pettersson", "Lindberg", "Lindström", "Bergström", "Åberg", "Sjöberg", "Öberg", "Nielsen", "Jensen", "Hansen",
			"Pedersen", "Sørensen", "Rasmussen", "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
		},
	}
	locZH = &locale{
		first: []string{
			"Wei", "Qiang", "Lei", "Jun", "Yang", "Yong", "Jie", "Tao", "Ming", "Chao",
			"Gang", "Hao", "Jian", "Zhiwei", "Haoran",
			"Fang", "Na", "Min", "Jing", "Li", "Yan", "Xiuying", "Hui", "Ping", "Hong",
			"Yu", "Xin", "Lin", "Yun", "Xiaomei",
		},
		female: 15,
		last: []string{
			"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
			"Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao",
			"Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng",
		},
		style: familyFirst,
	}
	locHK = &locale{
		first: []string{
			"Kelvin", "Jason", "Kenneth", "Raymond", "Eric", "Alan", "Dickson", "Wilson", "Terence", "Ivan",
			"Gary", "Samuel", "Tommy", "Vincent", "Patrick",
			"Carmen", "Winnie", "Cindy", "Karen", "Vivian", "Grace", "Joyce", "Mandy", "Queenie", "Fiona",
			"Iris", "Tiffany", "Yvonne", "Connie", "Phoebe",
		},
		female: 15,
		last: []string{
			"Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung", "Lam", "Tsang",
			"Chow", "Yip", "Fung", "Tse", "Kwok", "Mak", "Tang", "Lui", "Yeung", "Chu",
			"Cheng", "Siu", "Poon", "Law", "Kwan", "Choi", "Man", "Lo", "Tam", "So",
		},
	}
	locTR = &locale{
		first: []string{
			"Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre", "Burak",
			"Yusuf", "Ömer", "Can", "Serkan", "Oğuz",
			"Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Merve", "Özlem", "Esra", "Büşra",
			"Şeyma", "Derya", "Gül", "Ebru", "Selin",
		},
		female: 15,
		last: []string{
			"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
			"Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek",
			"Polat", "Erdoğan", "Korkmaz", "Güneş", "Aksoy", "Bulut", "Tekin", "Karaca", "Acar", "Uçar",
		},
	}
	locIN = &locale{
		first: []string{
			"Rahul", "Amit", "Rajesh", "Suresh", "Vikram", "Arjun", "Rohan", "Sanjay", "Anil", "Deepak",
			"Karthik", "Aditya", "Pranav", "Vivek", "Manoj",
			"Priya", "Ananya", "Pooja", "Neha", "Sneha", "Divya", "Kavya", "Lakshmi", "Meera", "Aishwarya",
			"Sunita", "Anjali", "Shreya", "Nisha", "Deepika",
		},
		female: 15,
		last: []string{
			"Sharma", "Verma", "Gupta", "Patel", "Singh", "Kumar", "Reddy", "Iyer", "Nair", "Menon",
			"Rao", "Joshi", "Mehta", "Shah", "Desai", "Kulkarni", "Chatterjee", "Banerjee", "Mukherjee", "Das",
			"Bose", "Pillai", "Agarwal", "Malhotra", "Kapoor", "Chopra", "Bhat", "Naidu", "Srinivasan", "Pandey",
		},
	}
	locJA = &locale{
		first: []string{
			"Haruto", "Yuto", "Sota", "Yuki", "Hiroshi", "Takashi", "Kenji", "Daiki", "Ren", "Sho",
			"Kaito", "Riku", "Tatsuya", "Kazuki", "Shota",
			"Yui", "Hina", "Sakura", "Aoi", "Yuna", "Miyu", "Haruka", "Ayaka", "Misaki", "Natsuki",
			"Yumi", "Keiko", "Akiko", "Emi", "Rin",
		},
		female: 15,
		last: []string{
			"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
			"Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Yamazaki",
			"Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa", "Okada", "Goto", "Hasegawa", "Murakami",
		},
	}
	locKO = &locale{
		first: []string{
			"Min-jun", "Seo-jun", "Ji-ho", "Do-yun", "Ha-jun", "Ji-hoon", "Hyun-woo", "Sung-min", "Jae-won", "Dong-hyun",
			"Young-ho", "Sang-woo", "Jun-seo", "Tae-yang", "Woo-jin",
			"Seo-yeon", "Ji-woo", "Ha-eun", "Seo-yun", "Min-seo", "Ji-yeon", "Soo-jin", "Eun-ji", "Hye-jin", "Yu-na",
			"Ji-min", "Da-eun", "Su-bin", "Ye-jin", "Na-yeon",
		},
		female: 15,
		last: []string{
			"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
			"Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Jeon", "Hong",
			"Yoo", "Ko", "Moon", "Yang", "Son", "Bae", "Baek", "Heo", "Nam", "Noh",
		},
	}
)

// Street templates, shared by the countries that write addresses alike.
var (
	streetsDE = []string{
		"Hauptstraße %", "Bahnhofstraße %", "Schillerstraße %", "Goethestraße %", "Gartenstraße %",
		"Lindenstraße %", "Friedrichstraße %", "Berliner Straße %", "Am Markt %", "Kirchweg %",
		"Mühlenweg %", "Bergstraße %", "Schulstraße %", "Kastanienweg %", "Waldstraße %",
		"Dorfstraße %", "Rosenstraße %", "Ringstraße %", "Sonnenallee %", "Mozartstraße %",
	}
	streetsAT = []string{
		"Hauptstraße %", "Mariahilfer Straße %", "Bahnhofstraße %", "Kirchengasse %/^", "Schulgasse %",
		"Lindengasse %/^", "Landstraßer Hauptstraße %", "Herrengasse %", "Grabenweg %", "Wiener Straße %",
	}
	streetsCH = []string{
		"Bahnhofstrasse %", "Hauptstrasse %", "Dorfstrasse %", "Seestrasse %", "Kirchgasse %",
		"Rue du Rhône %", "Avenue de la Gare %", "Via Nassa %", "Schulhausstrasse %", "Bergstrasse %",
	}
	streetsNL = []string{
		"Kerkstraat %", "Dorpsstraat %", "Molenweg %", "Stationsweg %", "Prinsengracht %",
		"Herengracht %", "Keizersgracht %", "Nieuwstraat %", "Julianastraat %", "Wilhelminastraat %",
		"Beatrixlaan %", "Schoolstraat %", "Parallelweg %", "Marktplein %", "Lindenlaan %",
	}
	streetsBE = []string{
		"Kerkstraat %", "Stationsstraat %", "Meir %", "Veldstraat %", "Nieuwstraat %",
		"Rue Neuve %", "Chaussée de Wavre %", "Rue de la Station %", "Avenue Louise %", "Grote Markt %",
	}
	streetsFR = []string{
		"% rue de la Paix", "% rue de la République", "% rue Victor Hugo", "% boulevard Voltaire", "% rue du Faubourg Saint-Antoine",
		"% avenue Jean Jaurès", "% rue Pasteur", "% place de la Mairie", "% rue des Écoles", "% impasse des Lilas",
		"% rue de l'Église", "% chemin des Vignes", "% allée des Tilleuls", "% rue Nationale", "% bis rue Gambetta",
	}
	streetsGB = []string{
		"% High Street", "% Station Road", "% Church Lane", "% Victoria Road", "% Green Lane",
		"% Manor Road", "% Park Avenue", "% Kings Road", "% Queen Street", "% Mill Lane",
		"% The Crescent", "Flat ^, % Albert Road", "% Baker Street", "% Oxford Road", "% New Road",
	}
	streetsIE = []string{
		"% Main Street", "% O'Connell Street", "% Church Road", "Apartment ^, % Grand Canal Street", "% Patrick Street",
		"% Shop Street", "% Abbey Road", "% Strand Road",
	}
	streetsUS = []string{
		"% Main St", "% Oak St", "% Maple Ave", "% Park Ave", "% Washington St",
		"% Elm St", "% Cedar Ln", "% Lakeview Dr", "% Sunset Blvd", "% Pine St Apt ^",
		"% 2nd Ave", "% Broadway", "% Highland Ave", "% Church St", "% Hillcrest Rd",
	}
	streetsCA = []string{
		"% Yonge St", "% King St W", "% rue Sainte-Catherine", "% Main St", "% Maple Ave",
		"% Queen St E", "% boulevard René-Lévesque", "Unit ^, % Bay St", "% Granville St", "% 17th Ave SW",
	}
	streetsAU = []string{
		"% George St", "% Collins St", "Unit ^/% Smith St", "% Pitt St", "% Beach Rd",
		"% Station St", "% Victoria Pde", "% High St", "% Main Rd", "% Church St",
	}
	streetsNZ = []string{
		"% Queen Street", "% Ponsonby Road", "% Cuba Street", "% Lambton Quay", "% Riccarton Road",
		"% Main Road", "% Dominion Road",
	}
	streetsPL = []string{
		"ul. Długa %", "ul. Marszałkowska %/^", "ul. Piotrkowska %", "ul. Floriańska %", "ul. Mickiewicza %/^",
		"ul. Słowackiego %", "ul. Kościuszki %", "ul. Polna %", "ul. Leśna %", "ul. Ogrodowa %/^",
		"al. Jerozolimskie %", "ul. Szkolna %", "ul. Lipowa %", "ul. Kwiatowa %", "ul. Żeromskiego %/^",
	}
	streetsCZ = []string{
		"Václavské náměstí %", "Národní %", "Dlouhá %", "Husova %", "Masarykova %/^",
		"Palackého %", "Nádražní %", "Školní %", "Zahradní %", "Komenského %/^",
	}
	streetsIT = []string{
		"Via Roma %", "Via Garibaldi %", "Via Giuseppe Mazzini %", "Corso Vittorio Emanuele II %", "Via Dante %",
		"Piazza della Repubblica %", "Via Cavour %", "Via Marconi %", "Viale Europa %", "Via XX Settembre %",
		"Via Nazionale %", "Via del Corso %", "Via Verdi %",
	}
	streetsES = []string{
		"Calle Mayor %", "Calle de Alcalá %", "Gran Vía %", "Avenida de la Constitución %", "Calle Real %",
		"Paseo de Gracia %", "Calle del Sol %, ^º", "Plaza Mayor %", "Calle Nueva %, ^º", "Avinguda Diagonal %",
		"Calle San Juan %", "Calle de Atocha %, ^º",
	}
	streetsPT = []string{
		"Rua Augusta %", "Avenida da Liberdade %", "Rua de Santa Catarina %", "Rua do Ouro %", "Rua Garrett %",
		"Avenida dos Aliados %", "Rua da Prata %, ^º",
	}
	streetsBR = []string{
		"Rua Augusta, %", "Avenida Paulista, %", "Rua Oscar Freire, %", "Rua das Flores, %", "Avenida Atlântica, %",
		"Rua XV de Novembro, %", "Avenida Brasil, %, apto ^",
	}
	streetsCO = []string{
		"Calle ^ # ^-^", "Carrera ^ # ^-^", "Transversal ^ # ^-^", "Avenida Boyacá # ^-^", "Diagonal ^ # ^-^",
	}
	streetsPE = []string{
		"Av. Larco %", "Jr. de la Unión %", "Av. Javier Prado Este %", "Calle Los Pinos %", "Av. Arequipa %",
	}
	streetsBO = []string{
		"Av. 16 de Julio %", "Calle Comercio %", "Av. Arce %", "Calle Sucre %", "Av. Busch %",
	}
	streetsEC = []string{
		"Av. 9 de Octubre %", "Calle García Moreno %", "Av. Amazonas N^-^", "Av. de los Shyris %", "Calle Larga %",
	}
	streetsSE = []string{
		"Drottninggatan %", "Storgatan %", "Kungsgatan %", "Vasagatan %", "Sveavägen %",
		"Götgatan %", "Skolgatan %", "Järnvägsgatan %", "Östra Hamngatan %",
	}
	streetsDK = []string{
		"Nørrebrogade %", "Vesterbrogade %", "Østergade %", "Algade %", "Jernbanegade %", "Vestergade %, ^. tv",
	}
	streetsFI = []string{
		"Mannerheimintie %", "Aleksanterinkatu %", "Hämeenkatu %", "Kauppakatu %", "Yliopistonkatu %",
	}
	streetsTR = []string{
		"Atatürk Cad. No:%", "İstiklal Cad. No:%", "Bağdat Cad. No:% D:^", "Cumhuriyet Mah. ^. Sok. No:%",
		"Gazi Mustafa Kemal Bulvarı No:%", "Kıbrıs Şehitleri Cad. No:%",
	}
	streetsIN = []string{
		"% MG Road", "% Linking Road, Bandra West", "Flat ^, % Park Street", "% Brigade Road",
		"House No. %, Sector ^", "% Anna Salai", "Plot No. %, Banjara Hills", "% Nehru Place",
	}
	streetsCN = []string{
		"No. % Zhongshan Road", "No. % Renmin Road", "No. % Jiefang Road", "No. % Jianshe Road",
		"Room ^0^, No. % Xinhua Road", "No. % Industrial Avenue", "Unit ^, No. % Keji Road", "No. % Huancheng Road",
		"Building ^, No. % Chuangye Road",
	}
	streetsHK = []string{
		"Flat ^, ^/F, % Nathan Road", "Room ^0^, % Des Voeux Road Central", "% Queen's Road Central",
		"% Hennessy Road", "% Castle Peak Road", "Unit ^, ^/F, % Hoi Yuen Road",
	}
	streetsJP = []string{
		"^-^-^ Chuo", "^-^-^ Honcho", "^-^-^ Sakae", "^-^-^ Minami", "^-^-^ Higashi", "^-^-^ Kita",
	}
	streetsKR = []string{
		"% Teheran-ro", "% Sejong-daero", "% Jong-ro", "% Hangang-daero", "% Gangnam-daero, Apt ^0^", "% Jungang-daero",
	}
)

// country holds what the generator needs to invent a plausible resident,
// address, telephone number and sender of one country.
type country struct {
	code     string
	loc      *locale
	cities   []city
	streets  []string
	lockers  []string // parcel lockers, pick-up points and PO boxes
	numMax   int      // largest ordinary house number
	suffixes string   // letters that may follow a house number ("221B")
	dial     string   // international prefix, "+49"
	trunk    string   // national trunk prefix, "0"
	prefixes []string // area codes and mobile prefixes
	subLen   int      // digits after the prefix
	mail     []string // e-mail domains residents use
	currency string
	alt      string // second currency a sender may declare in
	altPct   int    // percent of declarations in alt
	vat      string // VAT number template of an EU business
	company  []string
	eu       bool
	post     *operator // the designated postal operator, set in init
	stations []string  // express stations: the cities in capitals, set in init
}

type city struct{ name, postcode string }

var countries = []*country{
	{
		code: "DE", loc: locDE, streets: streetsDE, numMax: 120, suffixes: "ab",
		cities: []city{
			{"Berlin", "10###"}, {"Hamburg", "20###"}, {"München", "80###"}, {"Köln", "50###"},
			{"Frankfurt am Main", "60###"}, {"Leipzig", "04###"}, {"Düsseldorf", "40###"}, {"Stuttgart", "70###"},
			{"Aachen", "520##"}, {"Kleve", "4753#"}, {"Dresden", "01###"}, {"Hannover", "30###"},
			{"Nürnberg", "90###"}, {"Bremen", "28###"},
		},
		lockers: []string{"Packstation &", "Packstation &", "Postfiliale &", "Postfach ~", "Paketshop Kiosk am Markt &"},
		dial:    "+49", trunk: "0", prefixes: []string{"151", "152", "160", "170", "171", "176", "30", "40", "89"}, subLen: 8,
		mail:     []string{"gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.com"},
		currency: "EUR", vat: "DE#########", company: []string{"GmbH", "GmbH & Co. KG", "UG"}, eu: true,
	},
	{
		code: "AT", loc: locDE, streets: streetsAT, numMax: 80,
		cities: []city{
			{"Wien", "1##0"}, {"Graz", "80##"}, {"Linz", "40##"}, {"Salzburg", "50##"}, {"Innsbruck", "60##"},
		},
		lockers: []string{"Post Abholstation &", "Postfach ~", "Post Partner &"},
		dial:    "+43", trunk: "0", prefixes: []string{"664", "660", "676", "699", "1"}, subLen: 7,
		mail:     []string{"gmx.at", "gmail.com", "aon.at", "chello.at"},
		currency: "EUR", vat: "ATU########", company: []string{"GmbH", "e.U."}, eu: true,
	},
	{
		code: "CH", loc: locDE, streets: streetsCH, numMax: 90,
		cities: []city{
			{"Zürich", "80##"}, {"Genève", "12##"}, {"Basel", "40##"}, {"Bern", "30##"}, {"Lausanne", "10##"},
		},
		lockers: []string{"Postfach ~", "My Post 24 Automat &", "PickPost &"},
		dial:    "+41", trunk: "0", prefixes: []string{"79", "78", "76", "44", "22"}, subLen: 7,
		mail:     []string{"bluewin.ch", "gmail.com", "gmx.ch", "hispeed.ch"},
		currency: "CHF", company: []string{"AG", "GmbH", "Sàrl"},
	},
	{
		code: "NL", loc: locNL, streets: streetsNL, numMax: 200, suffixes: "abc",
		cities: []city{
			{"Amsterdam", "10## @@"}, {"Rotterdam", "30## @@"}, {"Utrecht", "35## @@"}, {"Den Haag", "25## @@"},
			{"Eindhoven", "56## @@"}, {"Groningen", "97## @@"}, {"Maastricht", "62## @@"}, {"Venlo", "59## @@"},
			{"Enschede", "75## @@"}, {"Heerlen", "64## @@"}, {"Arnhem", "68## @@"}, {"Roermond", "604# @@"},
		},
		lockers: []string{"Postbus ~", "PostNL Pakketautomaat &", "PostNL Punt Primera &", "DHL ServicePoint &"},
		dial:    "+31", trunk: "0", prefixes: []string{"6", "20", "10", "30", "40"}, subLen: 8,
		mail:     []string{"gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl", "outlook.com", "live.nl"},
		currency: "EUR", vat: "NL#########B01", company: []string{"B.V.", "V.O.F."}, eu: true,
	},
	{
		code: "BE", loc: locNL, streets: streetsBE, numMax: 150,
		cities: []city{
			{"Bruxelles", "10#0"}, {"Antwerpen", "20#0"}, {"Gent", "90#0"}, {"Liège", "40#0"},
			{"Brugge", "8000"}, {"Leuven", "3000"}, {"Charleroi", "6000"},
		},
		lockers: []string{"Postbus ~", "bpost Pakjesautomaat &", "Point Poste &", "Boîte postale ~"},
		dial:    "+32", trunk: "0", prefixes: []string{"470", "475", "486", "496", "2", "3"}, subLen: 6,
		mail:     []string{"skynet.be", "telenet.be", "gmail.com", "hotmail.com", "proximus.be"},
		currency: "EUR", vat: "BE0#########", company: []string{"BV", "SRL", "NV"}, eu: true,
	},
	{
		code: "FR", loc: locFR, streets: streetsFR, numMax: 150,
		cities: []city{
			{"Paris", "7501#"}, {"Paris", "7500#"}, {"Lyon", "6900#"}, {"Marseille", "1300#"}, {"Toulouse", "31000"},
			{"Lille", "59000"}, {"Nantes", "44000"}, {"Bordeaux", "33000"}, {"Strasbourg", "67000"}, {"Nice", "06000"},
		},
		lockers: []string{"BP ~", "Point Relais &", "Consigne Pickup &", "Locker Mondial Relay &"},
		dial:    "+33", trunk: "0", prefixes: []string{"6", "7", "1", "4"}, subLen: 8,
		mail:     []string{"orange.fr", "free.fr", "gmail.com", "laposte.net", "hotmail.fr", "sfr.fr"},
		currency: "EUR", vat: "FR###########", company: []string{"SARL", "SAS", "EURL"}, eu: true,
	},
	{
		code: "GB", loc: locGB, streets: streetsGB, numMax: 180, suffixes: "AB",
		cities: []city{
			{"London", "E1 #@@"}, {"London", "N1 #@@"}, {"London", "SE1 #@@"}, {"London", "NW1 #@@"},
			{"Manchester", "M1 #@@"}, {"Birmingham", "B1 #@@"}, {"Leeds", "LS1 #@@"}, {"Glasgow", "G1 #@@"},
			{"Bristol", "BS1 #@@"}, {"Edinburgh", "EH1 #@@"}, {"Liverpool", "L1 #@@"}, {"Cardiff", "CF10 #@@"},
		},
		lockers: []string{"PO Box ~", "InPost Locker &", "Amazon Hub Locker &"},
		dial:    "+44", trunk: "0", prefixes: []string{"7700", "7911", "7400", "7812", "20", "161"}, subLen: 6,
		mail:     []string{"gmail.com", "btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com"},
		currency: "GBP", company: []string{"Ltd", "Limited", "LLP"},
	},
	{
		code: "IE", loc: locGB, streets: streetsIE, numMax: 120,
		cities: []city{
			{"Dublin", "D0# @#@#"}, {"Cork", "T12 @#@#"}, {"Galway", "H91 @#@#"}, {"Limerick", "V94 @#@#"},
		},
		lockers: []string{"PO Box ~", "Parcel Motel &", "Parcel Locker &"},
		dial:    "+353", trunk: "0", prefixes: []string{"85", "86", "87", "1"}, subLen: 7,
		mail:     []string{"gmail.com", "eircom.net", "hotmail.com", "outlook.ie"},
		currency: "EUR", vat: "IE#######@", company: []string{"Ltd", "DAC"}, eu: true,
	},
	{
		code: "US", loc: locUS, streets: streetsUS, numMax: 9800,
		cities: []city{
			{"New York, NY", "100##"}, {"Brooklyn, NY", "112##"}, {"Los Angeles, CA", "900##"}, {"Chicago, IL", "606##"},
			{"Houston, TX", "770##"}, {"Miami, FL", "331##"}, {"Seattle, WA", "981##"}, {"Austin, TX", "787##"},
			{"Denver, CO", "802##"}, {"Boston, MA", "021##"},
		},
		lockers: []string{"PO Box ~", "Amazon Locker &", "USPS Parcel Locker &"},
		dial:    "+1", prefixes: []string{"212", "310", "415", "646", "718", "305", "206", "512"}, subLen: 7,
		mail:     []string{"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"},
		currency: "USD", company: []string{"LLC", "Inc.", "Co."},
	},
	{
		code: "CA", loc: locUS, streets: streetsCA, numMax: 4800,
		cities: []city{
			{"Toronto, ON", "M5V #@#"}, {"Vancouver, BC", "V6B #@#"}, {"Montréal, QC", "H2X #@#"},
			{"Calgary, AB", "T2P #@#"}, {"Ottawa, ON", "K1P #@#"},
		},
		lockers: []string{"PO Box ~", "Canada Post Parcel Locker &"},
		dial:    "+1", prefixes: []string{"416", "604", "514", "403", "613"}, subLen: 7,
		mail:     []string{"gmail.com", "rogers.com", "shaw.ca", "hotmail.com", "videotron.ca"},
		currency: "CAD", company: []string{"Inc.", "Ltd."},
	},
	{
		code: "AU", loc: locUS, streets: streetsAU, numMax: 400,
		cities: []city{
			{"Sydney NSW", "20##"}, {"Melbourne VIC", "30##"}, {"Brisbane QLD", "40##"}, {"Perth WA", "60##"},
			{"Adelaide SA", "50##"}, {"Gold Coast QLD", "42##"},
		},
		lockers: []string{"PO Box ~", "Parcel Locker ~", "Parcel Collect &"},
		dial:    "+61", trunk: "0", prefixes: []string{"412", "423", "433", "2", "3"}, subLen: 6,
		mail:     []string{"gmail.com", "bigpond.com", "optusnet.com.au", "outlook.com"},
		currency: "AUD", company: []string{"Pty Ltd"},
	},
	{
		code: "NZ", loc: locUS, streets: streetsNZ, numMax: 300,
		cities: []city{
			{"Auckland", "10##"}, {"Wellington", "60##"}, {"Christchurch", "80##"}, {"Hamilton", "32##"},
		},
		lockers: []string{"PO Box ~", "Private Bag ~", "Parcel Pod &"},
		dial:    "+64", trunk: "0", prefixes: []string{"21", "22", "27", "9", "4"}, subLen: 7,
		mail:     []string{"xtra.co.nz", "gmail.com", "outlook.com"},
		currency: "NZD", company: []string{"Limited"},
	},
	{
		code: "PL", loc: locPL, streets: streetsPL, numMax: 150,
		cities: []city{
			{"Warszawa", "0#-###"}, {"Kraków", "3#-###"}, {"Wrocław", "5#-###"}, {"Gdańsk", "80-###"},
			{"Poznań", "6#-###"}, {"Łódź", "9#-###"}, {"Szczecin", "70-###"},
		},
		lockers: []string{"Paczkomat InPost &", "skrytka pocztowa ~", "Punkt Odbioru Żabka &"},
		dial:    "+48", prefixes: []string{"501", "601", "691", "725", "22"}, subLen: 6,
		mail:     []string{"wp.pl", "onet.pl", "o2.pl", "gmail.com", "interia.pl"},
		currency: "PLN", alt: "EUR", altPct: 20, vat: "PL##########", company: []string{"Sp. z o.o.", "S.A."}, eu: true,
	},
	{
		code: "CZ", loc: locCZ, streets: streetsCZ, numMax: 90,
		cities: []city{
			{"Praha", "1## 00"}, {"Brno", "6## 00"}, {"Ostrava", "7## 00"}, {"Plzeň", "3## 00"}, {"Olomouc", "779 00"},
		},
		lockers: []string{"Z-BOX &", "Balíkovna &", "P.O.Box ~"},
		dial:    "+420", prefixes: []string{"603", "777", "608", "2"}, subLen: 6,
		mail:     []string{"seznam.cz", "gmail.com", "email.cz", "centrum.cz"},
		currency: "CZK", alt: "EUR", altPct: 20, vat: "CZ########", company: []string{"s.r.o.", "a.s."}, eu: true,
	},
	{
		code: "IT", loc: locIT, streets: streetsIT, numMax: 160,
		cities: []city{
			{"Roma", "001##"}, {"Milano", "201##"}, {"Napoli", "801##"}, {"Torino", "101##"},
			{"Bologna", "401##"}, {"Firenze", "501##"}, {"Palermo", "901##"},
		},
		lockers: []string{"Casella Postale ~", "Punto Poste &", "Locker InPost &"},
		dial:    "+39", prefixes: []string{"333", "347", "338", "06", "02"}, subLen: 7,
		mail:     []string{"libero.it", "gmail.com", "alice.it", "virgilio.it", "hotmail.it"},
		currency: "EUR", vat: "IT###########", company: []string{"S.r.l.", "S.p.A.", "S.n.c."}, eu: true,
	},
	{
		code: "ES", loc: locES, streets: streetsES, numMax: 140,
		cities: []city{
			{"Madrid", "280##"}, {"Barcelona", "080##"}, {"Valencia", "460##"}, {"Sevilla", "410##"},
			{"Málaga", "290##"}, {"Bilbao", "480##"}, {"Zaragoza", "500##"},
		},
		lockers: []string{"Apartado de Correos ~", "Citypaq &", "Punto Pack &"},
		dial:    "+34", prefixes: []string{"612", "655", "699", "91", "93"}, subLen: 6,
		mail:     []string{"gmail.com", "hotmail.es", "telefonica.net", "yahoo.es", "outlook.es"},
		currency: "EUR", vat: "ESB########", company: []string{"S.L.", "S.A."}, eu: true,
	},
	{
		code: "PT", loc: locPT, streets: streetsPT, numMax: 200,
		cities: []city{
			{"Lisboa", "1###-###"}, {"Porto", "4###-###"}, {"Faro", "8000-###"}, {"Braga", "4700-###"},
		},
		lockers: []string{"Apartado ~", "Cacifo CTT &", "Ponto Pickme &"},
		dial:    "+351", prefixes: []string{"912", "936", "962", "21", "22"}, subLen: 6,
		mail:     []string{"sapo.pt", "gmail.com", "hotmail.com", "clix.pt"},
		currency: "EUR", vat: "PT#########", company: []string{"Lda.", "S.A."}, eu: true,
	},
	{
		code: "SE", loc: locNordic, streets: streetsSE, numMax: 90,
		cities: []city{
			{"Stockholm", "1## ##"}, {"Göteborg", "4## ##"}, {"Malmö", "2## ##"}, {"Uppsala", "75# ##"},
		},
		lockers: []string{"Box ~", "PostNord Paketskåp &", "Instabox &"},
		dial:    "+46", trunk: "0", prefixes: []string{"70", "73", "76", "8"}, subLen: 7,
		mail:     []string{"telia.com", "gmail.com", "hotmail.se", "outlook.com"},
		currency: "SEK", alt: "EUR", altPct: 15, vat: "SE############", company: []string{"AB", "HB"}, eu: true,
	},
	{
		code: "DK", loc: locNordic, streets: streetsDK, numMax: 120,
		cities: []city{
			{"København K", "1###"}, {"Aarhus C", "8000"}, {"Odense C", "5000"}, {"Aalborg", "9000"},
		},
		lockers: []string{"Postboks ~", "Pakkeboks &", "Nærboks &"},
		dial:    "+45", prefixes: []string{"20", "30", "40", "50", "60"}, subLen: 6,
		mail:     []string{"gmail.com", "mail.dk", "hotmail.com", "outlook.dk"},
		currency: "DKK", alt: "EUR", altPct: 15, vat: "DK########", company: []string{"ApS", "A/S"}, eu: true,
	},
	{
		code: "FI", loc: locNordic, streets: streetsFI, numMax: 80,
		cities: []city{
			{"Helsinki", "00##0"}, {"Tampere", "33##0"}, {"Turku", "20##0"}, {"Oulu", "90##0"},
		},
		lockers: []string{"PL ~", "Pakettiautomaatti &", "Posti Noutopiste &"},
		dial:    "+358", trunk: "0", prefixes: []string{"40", "50", "44", "9"}, subLen: 7,
		mail:     []string{"gmail.com", "luukku.com", "hotmail.com", "elisanet.fi"},
		currency: "EUR", vat: "FI########", company: []string{"Oy", "Oyj"}, eu: true,
	},
	{
		code: "TR", loc: locTR, streets: streetsTR, numMax: 120,
		cities: []city{
			{"İstanbul", "34###"}, {"Ankara", "06###"}, {"İzmir", "35###"}, {"Bursa", "16###"}, {"Antalya", "07###"},
		},
		lockers: []string{"PK ~", "Kargomat &"},
		dial:    "+90", trunk: "0", prefixes: []string{"532", "542", "555", "505", "212"}, subLen: 7,
		mail:     []string{"gmail.com", "hotmail.com", "yandex.com.tr", "outlook.com"},
		currency: "TRY", alt: "USD", altPct: 45, company: []string{"Ltd. Şti.", "A.Ş."},
	},
	{
		code: "IN", loc: locIN, streets: streetsIN, numMax: 400,
		cities: []city{
			{"Mumbai", "4000##"}, {"New Delhi", "1100##"}, {"Bengaluru", "5600##"}, {"Chennai", "6000##"},
			{"Hyderabad", "5000##"}, {"Kolkata", "7000##"}, {"Ahmedabad", "3800##"}, {"Jaipur", "3020##"},
		},
		lockers: []string{"PO Box ~", "Post Bag No. &"},
		dial:    "+91", trunk: "0", prefixes: []string{"98", "99", "97", "90", "22"}, subLen: 8,
		mail:     []string{"gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"},
		currency: "INR", alt: "USD", altPct: 35, company: []string{"Pvt. Ltd.", "LLP", "Exports"},
	},
	{
		code: "CN", loc: locZH, streets: streetsCN, numMax: 900,
		cities: []city{
			{"Shenzhen", "518###"}, {"Guangzhou", "510###"}, {"Yiwu", "322000"}, {"Shanghai", "200###"},
			{"Beijing", "100###"}, {"Hangzhou", "310###"}, {"Dongguan", "523###"}, {"Wuhan", "430###"}, {"Chengdu", "610###"},
		},
		lockers: []string{"Cainiao Station &", "Hive Box &"},
		dial:    "+86", prefixes: []string{"138", "139", "186", "159", "135", "131", "177"}, subLen: 8,
		mail:     []string{"qq.com", "163.com", "126.com", "sina.com", "foxmail.com"},
		currency: "CNY", alt: "USD", altPct: 35, company: []string{"Co., Ltd."},
	},
	{
		code: "HK", loc: locHK, streets: streetsHK, numMax: 400,
		cities: []city{
			{"Kowloon", "999077"}, {"Hong Kong", "999077"}, {"Wan Chai", "999077"}, {"Mong Kok", "999077"}, {"Kwun Tong", "999077"},
		},
		lockers: []string{"PO Box ~", "iPostal Station &", "SF Locker &"},
		dial:    "+852", prefixes: []string{"9###", "6###", "5###"}, subLen: 4,
		mail:     []string{"gmail.com", "yahoo.com.hk", "netvigator.com", "hotmail.com"},
		currency: "HKD", alt: "USD", altPct: 40, company: []string{"Limited", "Co., Ltd."},
	},
	{
		code: "JP", loc: locJA, streets: streetsJP, numMax: 30,
		cities: []city{
			{"Tokyo", "1##-####"}, {"Osaka", "5##-####"}, {"Kyoto", "60#-####"}, {"Yokohama", "22#-####"},
			{"Nagoya", "45#-####"}, {"Sapporo", "06#-####"}, {"Fukuoka", "81#-####"},
		},
		lockers: []string{"PUDO Station &", "Post Office Box ~"},
		dial:    "+81", trunk: "0", prefixes: []string{"90", "80", "70", "3", "6"}, subLen: 8,
		mail:     []string{"gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com"},
		currency: "JPY", company: []string{"Co., Ltd.", "K.K."},
	},
	{
		code: "KR", loc: locKO, streets: streetsKR, numMax: 500,
		cities: []city{
			{"Seoul", "0####"}, {"Busan", "4####"}, {"Incheon", "2####"}, {"Daegu", "41###"},
		},
		lockers: []string{"PO Box ~"},
		dial:    "+82", trunk: "0", prefixes: []string{"10", "2", "51"}, subLen: 8,
		mail:     []string{"naver.com", "daum.net", "gmail.com", "kakao.com"},
		currency: "KRW", alt: "USD", altPct: 30, company: []string{"Co., Ltd.", "Inc."},
	},
	{
		code: "CO", loc: locES, streets: streetsCO, numMax: 200,
		cities: []city{
			{"Bogotá", "1101##"}, {"Medellín", "0500##"}, {"Cali", "7600##"}, {"Cartagena", "1300##"}, {"Barranquilla", "0800##"},
		},
		lockers: []string{"Apartado Aéreo ~"},
		dial:    "+57", prefixes: []string{"300", "310", "315", "320", "601"}, subLen: 7,
		mail:     []string{"gmail.com", "hotmail.com", "yahoo.es", "outlook.com"},
		currency: "COP", alt: "USD", altPct: 60, company: []string{"S.A.S.", "Ltda."},
	},
	{
		code: "PE", loc: locES, streets: streetsPE, numMax: 2000,
		cities: []city{
			{"Lima", "150##"}, {"Arequipa", "040##"}, {"Cusco", "080##"}, {"Trujillo", "130##"},
		},
		lockers: []string{"Casilla Postal ~"},
		dial:    "+51", prefixes: []string{"987", "991", "945", "1"}, subLen: 6,
		mail:     []string{"gmail.com", "hotmail.com", "yahoo.es", "outlook.com"},
		currency: "PEN", alt: "USD", altPct: 60, company: []string{"S.A.C.", "E.I.R.L."},
	},
	{
		code: "BO", loc: locES, streets: streetsBO, numMax: 1500,
		// Bolivia has a postcode system on paper only: addresses carry none.
		cities: []city{
			{"La Paz", ""}, {"Santa Cruz de la Sierra", ""}, {"Cochabamba", ""},
		},
		lockers: []string{"Casilla ~"},
		dial:    "+591", prefixes: []string{"7", "6"}, subLen: 7,
		mail:     []string{"gmail.com", "hotmail.com", "yahoo.com"},
		currency: "BOB", alt: "USD", altPct: 70, company: []string{"S.R.L."},
	},
	{
		code: "EC", loc: locES, streets: streetsEC, numMax: 900,
		cities: []city{
			{"Quito", "170###"}, {"Guayaquil", "090###"}, {"Cuenca", "010###"},
		},
		lockers: []string{"Casilla ~"},
		dial:    "+593", trunk: "0", prefixes: []string{"99", "98", "96", "2"}, subLen: 7,
		mail:     []string{"gmail.com", "hotmail.com", "yahoo.com"},
		currency: "USD", company: []string{"S.A.", "Cía. Ltda."},
	},
	{
		code: "BR", loc: locPT, streets: streetsBR, numMax: 3000,
		cities: []city{
			{"São Paulo", "01###-###"}, {"Rio de Janeiro", "2####-###"}, {"Belo Horizonte", "30###-###"},
			{"Curitiba", "80###-###"}, {"Recife", "50###-###"}, {"Salvador", "40###-###"},
		},
		lockers: []string{"Caixa Postal ~"},
		dial:    "+55", trunk: "0", prefixes: []string{"11", "21", "31", "41"}, subLen: 9,
		mail:     []string{"gmail.com", "hotmail.com", "uol.com.br", "bol.com.br"},
		currency: "BRL", alt: "USD", altPct: 40, company: []string{"Ltda.", "S.A."},
	},
}

// currency is an ISO 4217 code with an approximate rate per euro and the
// number of minor-unit digits used when writing amounts.
type currency struct {
	code string
	rate float64
	dec  int
}

var currencies = []currency{
	{"EUR", 1, 2}, {"USD", 1.08, 2}, {"GBP", 0.85, 2}, {"CNY", 7.8, 2}, {"HKD", 8.45, 2},
	{"CHF", 0.95, 2}, {"PLN", 4.3, 2}, {"CZK", 25.2, 2}, {"SEK", 11.4, 2}, {"DKK", 7.46, 2},
	{"TRY", 36, 2}, {"INR", 90, 2}, {"JPY", 162, 0}, {"KRW", 1470, 0}, {"CAD", 1.48, 2},
	{"AUD", 1.65, 2}, {"NZD", 1.8, 2}, {"COP", 4400, 2}, {"PEN", 4.05, 2}, {"BOB", 7.45, 2},
	{"BRL", 5.9, 2},
}

// unknownCurrency is not an ISO 4217 code; deficient parcels declare in it.
var unknownCurrency = currency{"XYZ", 1, 2}

// operator is a postal operator or an express carrier.
type operator struct {
	code    string
	country string // S10 suffix of a post; "" for express carriers
	offices []string
	// office is the index of offices[0] in the generator's serial counters.
	office int
}

var posts = []*operator{
	{code: "NLPOST", country: "NL", offices: []string{"AMSTERDAM 1", "ROTTERDAM 2", "UTRECHT 1", "EINDHOVEN 3", "VENLO 1"}},
	{code: "DEUTSCHEPOST", country: "DE", offices: []string{"FRANKFURT 1", "LEIPZIG 1", "KÖLN 2", "BERLIN 9", "MÜNCHEN 3", "HAMBURG 5"}},
	{code: "LAPOSTE", country: "FR", offices: []string{"ROISSY CDG", "PARIS 15", "LYON 2", "MARSEILLE 1", "LILLE 1"}},
	{code: "ROYALMAIL", country: "GB", offices: []string{"HEATHROW WORLDWIDE DC", "LONDON MOUNT PLEASANT", "MANCHESTER MC", "BIRMINGHAM MC"}},
	{code: "CHINAPOST", country: "CN", offices: []string{"GUANGZHOU 1", "SHENZHEN 2", "SHANGHAI 3", "BEIJING 1", "YIWU 1", "HANGZHOU 2"}},
	{code: "USPS", country: "US", offices: []string{"JFK ISC", "CHICAGO ISC", "LOS ANGELES ISC", "MIAMI ISC", "SAN FRANCISCO ISC"}},
	{code: "POSTNORD", country: "SE", offices: []string{"STOCKHOLM 1", "GÖTEBORG 2", "MALMÖ 1"}},
	{code: "POSTNORD", country: "DK", offices: []string{"KØBENHAVN 1", "AARHUS 2"}},
	{code: "POSTEITALIANE", country: "IT", offices: []string{"ROMA 1", "MILANO 2", "NAPOLI 1", "BOLOGNA 1"}},
	{code: "CORREOS", country: "ES", offices: []string{"MADRID 1", "BARCELONA 2", "VALENCIA 1"}},
	{code: "CANADAPOST", country: "CA", offices: []string{"TORONTO GATEWAY", "VANCOUVER 1", "MONTRÉAL 1"}},
	{code: "AUSPOST", country: "AU", offices: []string{"SYDNEY GATEWAY", "MELBOURNE 1", "BRISBANE 1"}},
	{code: "NZPOST", country: "NZ", offices: []string{"AUCKLAND ISC", "CHRISTCHURCH 1"}},
	{code: "BPOST", country: "BE", offices: []string{"BRUXELLES X", "ANTWERPEN 1", "LIÈGE 1"}},
	{code: "POCZTAPOLSKA", country: "PL", offices: []string{"WARSZAWA 1", "KRAKÓW 1", "GDAŃSK 1"}},
	{code: "CESKAPOSTA", country: "CZ", offices: []string{"PRAHA 1", "BRNO 2"}},
	{code: "AUSTRIANPOST", country: "AT", offices: []string{"WIEN 1", "GRAZ 1"}},
	{code: "SWISSPOST", country: "CH", offices: []string{"ZÜRICH-MÜLLIGEN", "BASEL 2", "GENÈVE 1"}},
	{code: "ANPOST", country: "IE", offices: []string{"DUBLIN MAIL CENTRE", "CORK 1"}},
	{code: "CTT", country: "PT", offices: []string{"LISBOA 1", "PORTO 1"}},
	{code: "POSTI", country: "FI", offices: []string{"HELSINKI 1", "VANTAA 2"}},
	{code: "HONGKONGPOST", country: "HK", offices: []string{"AIR MAIL CENTRE", "KOWLOON CENTRAL"}},
	{code: "PTT", country: "TR", offices: []string{"İSTANBUL 1", "ANKARA 1", "İZMİR 1"}},
	{code: "INDIAPOST", country: "IN", offices: []string{"MUMBAI FPO", "NEW DELHI FPO", "CHENNAI FPO", "KOLKATA FPO"}},
	{code: "JAPANPOST", country: "JP", offices: []string{"TOKYO INTERNATIONAL", "OSAKA INTERNATIONAL"}},
	{code: "KOREAPOST", country: "KR", offices: []string{"SEOUL IMC", "INCHEON 1", "BUSAN 1"}},
	{code: "SERVICIOSPOSTALES", country: "CO", offices: []string{"BOGOTÁ 1", "MEDELLÍN 1"}},
	{code: "SERPOST", country: "PE", offices: []string{"LIMA 1", "CALLAO 1"}},
	{code: "AGBC", country: "BO", offices: []string{"LA PAZ 1", "SANTA CRUZ 1"}},
	{code: "CORREOSECUADOR", country: "EC", offices: []string{"QUITO 1", "GUAYAQUIL 1"}},
	{code: "CORREIOS", country: "BR", offices: []string{"SÃO PAULO 1", "RIO DE JANEIRO 1", "CURITIBA 1"}},
}

// Express carriers. Their numbering schemes are in express.go.
var (
	dhl = &operator{code: "DHLEXPRESS"}
	fdx = &operator{code: "FEDEX"}
	ups = &operator{code: "UPS"}
	sfx = &operator{code: "SFEXPRESS"}
)

// good is one kind of merchandise with the ranges a real shipment of it
// falls in: net weight of one unit in grams and value of one unit in euro
// cents.
type good struct {
	desc         string
	hs           string
	minG, maxG   int
	minV, maxV   int
	maxQty       int
	licence      bool // medicines: the sender quotes a pharmacy licence
	phytosanitar bool // plants: a phytosanitary certificate travels with them
}

// group is a line of business: what a shop of that kind sells, the word its
// trade name uses, and where such goods are often made when the seller is
// not the maker.
type group struct {
	trade string
	made  []string
	goods []good
}

var (
	grpApparel = &group{trade: "Apparel", made: []string{"CN", "BD", "TR", "IN", "VN"}, goods: []good{
		{desc: "Men's cotton T-shirt", hs: "610910", minG: 150, maxG: 250, minV: 500, maxV: 2500, maxQty: 3},
		{desc: "Women's cotton T-shirt", hs: "610910", minG: 120, maxG: 220, minV: 500, maxV: 2500, maxQty: 3},
		{desc: "Women's knitted dress, polyester", hs: "610443", minG: 200, maxG: 450, minV: 1200, maxV: 4500, maxQty: 2},
		{desc: "Hooded sweatshirt, cotton", hs: "611020", minG: 400, maxG: 700, minV: 1500, maxV: 5000, maxQty: 2},
		{desc: "Men's denim jeans", hs: "620342", minG: 500, maxG: 800, minV: 2000, maxV: 7000, maxQty: 2},
		{desc: "Women's leggings, polyester", hs: "610463", minG: 150, maxG: 300, minV: 600, maxV: 2500, maxQty: 3},
		{desc: "Cotton socks, 5 pairs", hs: "611595", minG: 150, maxG: 300, minV: 500, maxV: 1800, maxQty: 3},
		{desc: "Baseball cap", hs: "650500", minG: 80, maxG: 150, minV: 400, maxV: 2500, maxQty: 2},
		{desc: "Knitted wool sweater", hs: "611011", minG: 350, maxG: 700, minV: 2500, maxV: 9000, maxQty: 1},
		{desc: "Women's bra, polyester", hs: "621210", minG: 60, maxG: 120, minV: 500, maxV: 3000, maxQty: 3},
		{desc: "Silk scarf", hs: "621410", minG: 40, maxG: 100, minV: 800, maxV: 5000, maxQty: 2},
		{desc: "Winter jacket, polyester padded", hs: "620193", minG: 800, maxG: 1500, minV: 3000, maxV: 12000, maxQty: 1},
		{desc: "Men's swim shorts, polyester", hs: "620343", minG: 120, maxG: 250, minV: 600, maxV: 2500, maxQty: 2},
		{desc: "Baby bodysuit, cotton", hs: "611120", minG: 60, maxG: 120, minV: 400, maxV: 1500, maxQty: 4},
	}}
	grpShoesBags = &group{trade: "Shoes & Bags", made: []string{"CN", "VN", "IT", "IN"}, goods: []good{
		{desc: "Sports shoes, textile upper", hs: "640411", minG: 600, maxG: 1000, minV: 2500, maxV: 9000, maxQty: 1},
		{desc: "Leather ankle boots", hs: "640391", minG: 900, maxG: 1500, minV: 5000, maxV: 15000, maxQty: 1},
		{desc: "Flip flops, rubber", hs: "640220", minG: 150, maxG: 300, minV: 300, maxV: 2500, maxQty: 2},
		{desc: "Handbag, PU leather", hs: "420222", minG: 400, maxG: 900, minV: 1500, maxV: 6000, maxQty: 1},
		{desc: "Leather wallet", hs: "420231", minG: 80, maxG: 180, minV: 800, maxV: 5000, maxQty: 1},
		{desc: "Backpack, polyester", hs: "420292", minG: 400, maxG: 900, minV: 1500, maxV: 6000, maxQty: 1},
		{desc: "Leather belt", hs: "420330", minG: 120, maxG: 250, minV: 800, maxV: 4000, maxQty: 2},
	}}
	grpPhoneAcc = &group{trade: "Electronic Technology", made: []string{"CN"}, goods: []good{
		{desc: "Smartphone case, silicone", hs: "392690", minG: 20, maxG: 50, minV: 100, maxV: 1200, maxQty: 3},
		{desc: "Screen protector, tempered glass", hs: "700719", minG: 15, maxG: 40, minV: 80, maxV: 800, maxQty: 3},
		{desc: "USB-C charging cable 1m", hs: "854442", minG: 25, maxG: 60, minV: 100, maxV: 900, maxQty: 3},
		{desc: "USB wall charger 20W", hs: "850440", minG: 40, maxG: 90, minV: 300, maxV: 2000, maxQty: 2},
		{desc: "Car phone holder, plastic", hs: "392690", minG: 60, maxG: 150, minV: 200, maxV: 1500, maxQty: 2},
		{desc: "Phone ring holder", hs: "392690", minG: 10, maxG: 25, minV: 50, maxV: 500, maxQty: 4},
		{desc: "Selfie stick with tripod", hs: "962000", minG: 150, maxG: 300, minV: 300, maxV: 2000, maxQty: 1},
		{desc: "Wireless charging pad", hs: "850440", minG: 60, maxG: 150, minV: 400, maxV: 2500, maxQty: 1},
		{desc: "Power bank 10000mAh", hs: "850760", minG: 180, maxG: 260, minV: 800, maxV: 3500, maxQty: 1},
	}}
	grpElectronics = &group{trade: "Electronics", made: []string{"CN", "VN", "TW"}, goods: []good{
		{desc: "Bluetooth earphones", hs: "851830", minG: 40, maxG: 90, minV: 500, maxV: 6000, maxQty: 1},
		{desc: "Smartwatch", hs: "851762", minG: 50, maxG: 120, minV: 1500, maxV: 12000, maxQty: 1},
		{desc: "Wireless computer mouse", hs: "847160", minG: 60, maxG: 120, minV: 300, maxV: 3000, maxQty: 2},
		{desc: "Mechanical keyboard", hs: "847160", minG: 600, maxG: 1100, minV: 2500, maxV: 12000, maxQty: 1},
		{desc: "LED strip light 5m", hs: "940542", minG: 150, maxG: 350, minV: 500, maxV: 2500, maxQty: 2},
		{desc: "MicroSD memory card 64GB", hs: "852351", minG: 2, maxG: 10, minV: 500, maxV: 2500, maxQty: 3},
		{desc: "Mini drone with camera", hs: "880621", minG: 150, maxG: 249, minV: 2500, maxV: 9000, maxQty: 1},
		{desc: "Dashcam", hs: "852589", minG: 80, maxG: 200, minV: 1500, maxV: 7000, maxQty: 1},
		{desc: "Bluetooth speaker", hs: "851822", minG: 200, maxG: 600, minV: 1000, maxV: 6000, maxQty: 1},
		{desc: "Smart plug, Wi-Fi", hs: "853650", minG: 60, maxG: 120, minV: 500, maxV: 2000, maxQty: 4},
		{desc: "Soldering iron kit", hs: "851511", minG: 250, maxG: 600, minV: 800, maxV: 3500, maxQty: 1},
		{desc: "Bicycle LED light set", hs: "851210", minG: 80, maxG: 200, minV: 500, maxV: 3000, maxQty: 2},
	}}
	grpToys = &group{trade: "Toys", made: []string{"CN"}, goods: []good{
		{desc: "Plush toy", hs: "950300", minG: 80, maxG: 400, minV: 300, maxV: 2500, maxQty: 3},
		{desc: "Building blocks toy set", hs: "950300", minG: 200, maxG: 900, minV: 800, maxV: 6000, maxQty: 2},
		{desc: "Remote control car", hs: "950300", minG: 300, maxG: 900, minV: 1500, maxV: 6000, maxQty: 1},
		{desc: "Jigsaw puzzle 1000 pieces", hs: "950300", minG: 500, maxG: 800, minV: 800, maxV: 2500, maxQty: 2},
		{desc: "Board game", hs: "950490", minG: 600, maxG: 1500, minV: 1500, maxV: 5000, maxQty: 1},
		{desc: "Fidget toy set", hs: "950300", minG: 50, maxG: 200, minV: 200, maxV: 1200, maxQty: 3},
		{desc: "Doll with accessories", hs: "950300", minG: 200, maxG: 600, minV: 800, maxV: 4000, maxQty: 1},
		{desc: "Kite, nylon", hs: "950300", minG: 100, maxG: 300, minV: 500, maxV: 2500, maxQty: 1},
	}}
	grpHome = &group{trade: "Home Products", made: []string{"CN", "IN", "TR"}, goods: []good{
		{desc: "Ceramic mug", hs: "691200", minG: 280, maxG: 400, minV: 400, maxV: 2000, maxQty: 4},
		{desc: "Stainless steel water bottle", hs: "732393", minG: 250, maxG: 400, minV: 600, maxV: 3000, maxQty: 2},
		{desc: "Kitchen knife, stainless steel", hs: "821191", minG: 150, maxG: 300, minV: 1000, maxV: 8000, maxQty: 1},
		{desc: "Scented candle", hs: "340600", minG: 200, maxG: 450, minV: 600, maxV: 3000, maxQty: 3},
		{desc: "Cushion cover, cotton", hs: "630492", minG: 80, maxG: 200, minV: 300, maxV: 1800, maxQty: 4},
		{desc: "Silicone baking mould", hs: "392410", minG: 80, maxG: 250, minV: 300, maxV: 1500, maxQty: 3},
		{desc: "Wall clock", hs: "910521", minG: 400, maxG: 1000, minV: 1000, maxV: 4000, maxQty: 1},
		{desc: "Artificial flowers bouquet", hs: "670290", minG: 100, maxG: 400, minV: 500, maxV: 2500, maxQty: 2},
		{desc: "Storage box, plastic", hs: "392490", minG: 200, maxG: 800, minV: 400, maxV: 2000, maxQty: 3},
		{desc: "Bath towel, cotton", hs: "630260", minG: 400, maxG: 700, minV: 800, maxV: 3500, maxQty: 4},
		{desc: "Incense sticks, 100 g", hs: "330741", minG: 100, maxG: 120, minV: 100, maxV: 600, maxQty: 6},
	}}
	grpJewellery = &group{trade: "Jewelry", made: []string{"CN", "IN", "TH"}, goods: []good{
		{desc: "Sterling silver necklace", hs: "711311", minG: 5, maxG: 30, minV: 1500, maxV: 9000, maxQty: 2},
		{desc: "Fashion earrings, base metal", hs: "711719", minG: 5, maxG: 20, minV: 100, maxV: 1500, maxQty: 4},
		{desc: "Stainless steel bracelet", hs: "711719", minG: 15, maxG: 50, minV: 200, maxV: 2500, maxQty: 3},
		{desc: "Quartz wristwatch", hs: "910211", minG: 40, maxG: 120, minV: 1000, maxV: 8000, maxQty: 1},
		{desc: "Sunglasses", hs: "900410", minG: 25, maxG: 60, minV: 300, maxV: 4000, maxQty: 2},
		{desc: "Hair clips set", hs: "961511", minG: 20, maxG: 80, minV: 100, maxV: 1000, maxQty: 4},
		{desc: "Amber necklace", hs: "711790", minG: 10, maxG: 40, minV: 1500, maxV: 8000, maxQty: 1},
	}}
	grpBeauty = &group{trade: "Cosmetics", goods: []good{
		{desc: "Face cream 50ml", hs: "330499", minG: 80, maxG: 150, minV: 800, maxV: 5000, maxQty: 3},
		{desc: "Lipstick", hs: "330410", minG: 15, maxG: 30, minV: 500, maxV: 3500, maxQty: 4},
		{desc: "Eau de parfum 50ml", hs: "330300", minG: 200, maxG: 350, minV: 2500, maxV: 12000, maxQty: 1},
		{desc: "Shampoo 250ml", hs: "330510", minG: 270, maxG: 320, minV: 400, maxV: 2000, maxQty: 3},
		{desc: "Nail polish", hs: "330430", minG: 30, maxG: 60, minV: 300, maxV: 1500, maxQty: 6},
		{desc: "Makeup brush set", hs: "960329", minG: 80, maxG: 250, minV: 500, maxV: 3000, maxQty: 1},
		{desc: "Sunscreen SPF50 50ml", hs: "330499", minG: 60, maxG: 100, minV: 800, maxV: 3000, maxQty: 3},
		{desc: "Facial sheet masks, 10 pcs", hs: "330499", minG: 200, maxG: 300, minV: 800, maxV: 3000, maxQty: 4},
		{desc: "Snail essence serum 100ml", hs: "330499", minG: 150, maxG: 200, minV: 1200, maxV: 3000, maxQty: 3},
		{desc: "Synthetic hair wig", hs: "670419", minG: 150, maxG: 400, minV: 1500, maxV: 8000, maxQty: 1},
		{desc: "False eyelashes", hs: "670419", minG: 10, maxG: 30, minV: 200, maxV: 1500, maxQty: 6},
	}}
	grpBooks = &group{trade: "Books", goods: []good{
		{desc: "Children's book", hs: "490199", minG: 150, maxG: 600, minV: 500, maxV: 2000, maxQty: 3},
		{desc: "Paperback novel", hs: "490199", minG: 200, maxG: 450, minV: 600, maxV: 1800, maxQty: 3},
		{desc: "Hardcover book", hs: "490199", minG: 500, maxG: 1200, minV: 1500, maxV: 5000, maxQty: 2},
		{desc: "Manga volume", hs: "490199", minG: 150, maxG: 250, minV: 500, maxV: 1200, maxQty: 5},
		{desc: "Comic book", hs: "490199", minG: 100, maxG: 300, minV: 300, maxV: 2500, maxQty: 4},
		{desc: "Art print poster", hs: "491191", minG: 50, maxG: 200, minV: 500, maxV: 3000, maxQty: 3},
		{desc: "Vinyl record", hs: "852380", minG: 180, maxG: 300, minV: 1500, maxV: 4000, maxQty: 3},
		{desc: "Music CD", hs: "852349", minG: 80, maxG: 120, minV: 800, maxV: 2000, maxQty: 4},
	}}
	grpSupplements = &group{trade: "Nutrition", goods: []good{
		{desc: "Vitamin C tablets, 100 pcs", hs: "210690", minG: 100, maxG: 200, minV: 500, maxV: 2000, maxQty: 4},
		{desc: "Vitamin D3 softgels, 120 pcs", hs: "210690", minG: 60, maxG: 150, minV: 600, maxV: 2500, maxQty: 4},
		{desc: "Multivitamin tablets, 90 pcs", hs: "210690", minG: 120, maxG: 250, minV: 800, maxV: 3500, maxQty: 3},
		{desc: "Fish oil omega-3 softgels", hs: "210690", minG: 200, maxG: 400, minV: 900, maxV: 4000, maxQty: 3},
		{desc: "Whey protein powder 1kg", hs: "210610", minG: 1050, maxG: 1150, minV: 2500, maxV: 6000, maxQty: 2},
		{desc: "Magnesium citrate capsules", hs: "210690", minG: 100, maxG: 200, minV: 700, maxV: 2500, maxQty: 3},
		{desc: "Probiotic capsules, 30 pcs", hs: "210690", minG: 50, maxG: 100, minV: 1500, maxV: 4500, maxQty: 3},
		{desc: "Collagen powder 300g", hs: "210690", minG: 320, maxG: 380, minV: 1500, maxV: 4000, maxQty: 2},
	}}
	grpTea = &group{trade: "Tea", goods: []good{
		{desc: "Black tea 100g", hs: "090230", minG: 100, maxG: 130, minV: 300, maxV: 1500, maxQty: 4},
		{desc: "Green tea 100g", hs: "090210", minG: 100, maxG: 130, minV: 300, maxV: 2000, maxQty: 4},
		{desc: "Oolong tea 250g", hs: "090230", minG: 250, maxG: 300, minV: 800, maxV: 4000, maxQty: 3},
		{desc: "Matcha green tea powder 30g", hs: "090210", minG: 30, maxG: 50, minV: 1200, maxV: 3500, maxQty: 3},
		{desc: "Tea bags, English breakfast, 80 pcs", hs: "090230", minG: 250, maxG: 280, minV: 400, maxV: 1200, maxQty: 4},
		{desc: "Pu-erh tea cake 357g", hs: "090230", minG: 357, maxG: 380, minV: 1500, maxV: 9000, maxQty: 2},
	}}
	grpCoffee = &group{trade: "Coffee", goods: []good{
		{desc: "Ground coffee 500g", hs: "090121", minG: 500, maxG: 520, minV: 600, maxV: 2000, maxQty: 3},
		{desc: "Roasted coffee beans 1kg", hs: "090121", minG: 1000, maxG: 1050, minV: 1500, maxV: 4500, maxQty: 2},
		{desc: "Green coffee beans 1kg", hs: "090111", minG: 1000, maxG: 1050, minV: 800, maxV: 2500, maxQty: 2},
		{desc: "Instant coffee 200g", hs: "210111", minG: 200, maxG: 220, minV: 500, maxV: 1200, maxQty: 3},
	}}
	grpFood = &group{trade: "Foods", goods: []good{
		{desc: "Milk chocolate bar 100g", hs: "180632", minG: 100, maxG: 110, minV: 150, maxV: 600, maxQty: 6},
		{desc: "Dark chocolate 70% 100g", hs: "180632", minG: 100, maxG: 110, minV: 200, maxV: 600, maxQty: 6},
		{desc: "Extra virgin olive oil 500ml", hs: "150920", minG: 500, maxG: 560, minV: 600, maxV: 2000, maxQty: 3},
		{desc: "Dried pasta 500g", hs: "190219", minG: 500, maxG: 520, minV: 150, maxV: 500, maxQty: 4},
		{desc: "Garam masala spice mix 100g", hs: "091091", minG: 100, maxG: 110, minV: 200, maxV: 800, maxQty: 5},
		{desc: "Turkish delight 500g", hs: "170490", minG: 500, maxG: 520, minV: 500, maxV: 1500, maxQty: 3},
		{desc: "Maple syrup 250ml", hs: "170220", minG: 330, maxG: 360, minV: 800, maxV: 2000, maxQty: 3},
		{desc: "Honey 500g", hs: "040900", minG: 500, maxG: 520, minV: 500, maxV: 2000, maxQty: 3},
	}}
	grpSports = &group{trade: "Sports", made: []string{"CN", "TW", "PK"}, goods: []good{
		{desc: "Yoga mat", hs: "950691", minG: 800, maxG: 1500, minV: 1500, maxV: 5000, maxQty: 1},
		{desc: "Resistance bands set", hs: "950691", minG: 200, maxG: 500, minV: 500, maxV: 2500, maxQty: 2},
		{desc: "Fishing lures set", hs: "950790", minG: 50, maxG: 250, minV: 300, maxV: 2500, maxQty: 3},
		{desc: "Cycling gloves", hs: "611693", minG: 60, maxG: 120, minV: 500, maxV: 2500, maxQty: 2},
		{desc: "Football shirt, replica", hs: "611430", minG: 150, maxG: 250, minV: 1500, maxV: 8000, maxQty: 2},
		{desc: "Swimming goggles", hs: "900490", minG: 30, maxG: 80, minV: 300, maxV: 2000, maxQty: 3},
	}}
	grpHobby = &group{trade: "Hobby", made: []string{"CN", "JP"}, goods: []good{
		{desc: "Trading cards, booster packs", hs: "950440", minG: 20, maxG: 100, minV: 300, maxV: 3000, maxQty: 10},
		{desc: "Anime figure, PVC", hs: "950300", minG: 150, maxG: 600, minV: 1500, maxV: 9000, maxQty: 1},
		{desc: "Used postage stamps", hs: "970400", minG: 5, maxG: 50, minV: 200, maxV: 5000, maxQty: 5},
		{desc: "Plastic model kit", hs: "950300", minG: 200, maxG: 700, minV: 1000, maxV: 6000, maxQty: 1},
		{desc: "Guitar strings set", hs: "920930", minG: 30, maxG: 60, minV: 500, maxV: 2000, maxQty: 4},
		{desc: "Acrylic paint set", hs: "321310", minG: 200, maxG: 500, minV: 500, maxV: 3000, maxQty: 2},
		{desc: "K-pop album CD", hs: "852349", minG: 300, maxG: 600, minV: 1500, maxV: 3000, maxQty: 3},
	}}
	grpCarParts = &group{trade: "Auto Parts", made: []string{"CN", "DE"}, goods: []good{
		{desc: "Car brake pads set", hs: "870830", minG: 800, maxG: 1600, minV: 1500, maxV: 6000, maxQty: 1},
		{desc: "Car LED headlight bulbs", hs: "853952", minG: 100, maxG: 250, minV: 800, maxV: 4000, maxQty: 2},
		{desc: "Bicycle brake cable set", hs: "871499", minG: 100, maxG: 250, minV: 300, maxV: 1500, maxQty: 2},
		{desc: "Motorcycle air filter", hs: "842131", minG: 200, maxG: 500, minV: 800, maxV: 3000, maxQty: 1},
	}}
	grpWatches = &group{trade: "Watches", goods: []good{
		{desc: "Automatic wristwatch", hs: "910221", minG: 80, maxG: 180, minV: 8000, maxV: 60000, maxQty: 1},
		{desc: "Swiss army knife", hs: "821193", minG: 60, maxG: 120, minV: 2500, maxV: 8000, maxQty: 2},
		{desc: "Watch strap, leather", hs: "911390", minG: 15, maxG: 40, minV: 800, maxV: 4000, maxQty: 2},
		{desc: "Swiss milk chocolate 300g", hs: "180632", minG: 300, maxG: 320, minV: 800, maxV: 2000, maxQty: 3},
	}}
	grpCrafts = &group{trade: "Crafts", goods: []good{
		{desc: "Handwoven alpaca scarf", hs: "621420", minG: 100, maxG: 250, minV: 1500, maxV: 6000, maxQty: 2},
		{desc: "Handmade ceramic figurine", hs: "691390", minG: 150, maxG: 500, minV: 800, maxV: 4000, maxQty: 2},
		{desc: "Decorative wood carving", hs: "442090", minG: 100, maxG: 600, minV: 800, maxV: 5000, maxQty: 2},
		{desc: "Woven bracelets, cotton thread", hs: "630790", minG: 5, maxG: 20, minV: 100, maxV: 500, maxQty: 10},
		{desc: "Cotton hammock", hs: "560890", minG: 1000, maxG: 1800, minV: 2500, maxV: 8000, maxQty: 1},
		{desc: "Leather sandals", hs: "640399", minG: 400, maxG: 700, minV: 1500, maxV: 5000, maxQty: 1},
		{desc: "Wayuu mochila bag, handwoven", hs: "420292", minG: 250, maxG: 450, minV: 2000, maxV: 9000, maxQty: 1},
		{desc: "Pashmina shawl", hs: "621420", minG: 150, maxG: 250, minV: 1500, maxV: 8000, maxQty: 2},
		{desc: "Cotton kurta", hs: "620520", minG: 200, maxG: 350, minV: 800, maxV: 3500, maxQty: 3},
		{desc: "Hand-knitted alpaca hat", hs: "650500", minG: 80, maxG: 150, minV: 1000, maxV: 3500, maxQty: 2},
	}}
	// grpPharmacy is what a licensed Indian online pharmacy ships to
	// patients abroad: generics on prescription, with licence and invoice.
	grpPharmacy = &group{trade: "Pharmacy", goods: []good{
		{desc: "Atorvastatin tablets 20mg, 90 pcs", hs: "300490", minG: 40, maxG: 80, minV: 800, maxV: 3000, maxQty: 3, licence: true},
		{desc: "Metformin tablets 500mg, 100 pcs", hs: "300490", minG: 60, maxG: 120, minV: 500, maxV: 2000, maxQty: 3, licence: true},
		{desc: "Levothyroxine tablets 50mcg, 100 pcs", hs: "300439", minG: 30, maxG: 60, minV: 500, maxV: 2000, maxQty: 3, licence: true},
		{desc: "Omeprazole capsules 20mg, 30 pcs", hs: "300490", minG: 25, maxG: 50, minV: 400, maxV: 1500, maxQty: 3, licence: true},
		{desc: "Amoxicillin capsules 500mg, 21 pcs", hs: "300410", minG: 25, maxG: 50, minV: 300, maxV: 1200, maxQty: 2, licence: true},
		{desc: "Ashwagandha herbal tablets, 60 pcs", hs: "300490", minG: 60, maxG: 150, minV: 500, maxV: 2000, maxQty: 3, licence: true},
	}}
	// grpGiftNL is what Dutch and Flemish families send relatives abroad.
	grpGiftNL = &group{trade: "Souvenirs", goods: []good{
		{desc: "Stroopwafels, 8 pcs", hs: "190590", minG: 250, maxG: 300, minV: 300, maxV: 800, maxQty: 4},
		{desc: "Delft blue souvenir tile", hs: "691490", minG: 150, maxG: 300, minV: 800, maxV: 2500, maxQty: 2},
		{desc: "Tulip bulbs, 20 pcs", hs: "060110", minG: 200, maxG: 400, minV: 500, maxV: 2000, maxQty: 2, phytosanitar: true},
		{desc: "Gouda cheese 500g", hs: "040690", minG: 500, maxG: 520, minV: 500, maxV: 1500, maxQty: 2},
		{desc: "Hand-knitted scarf", hs: "611710", minG: 100, maxG: 200, minV: 1500, maxV: 4000, maxQty: 1},
		{desc: "Dutch liquorice 200g", hs: "170490", minG: 200, maxG: 220, minV: 200, maxV: 600, maxQty: 4},
		{desc: "Photo album", hs: "482050", minG: 300, maxG: 700, minV: 1000, maxV: 3000, maxQty: 1},
		{desc: "Birthday card", hs: "490900", minG: 10, maxG: 30, minV: 100, maxV: 500, maxQty: 3},
	}}
	// grpDocuments is paper: the value is nil and the category documents.
	grpDocuments = &group{trade: "Consulting", goods: []good{
		{desc: "Signed employment contract", hs: "491199", minG: 20, maxG: 80, maxQty: 1},
		{desc: "University transcripts", hs: "491199", minG: 20, maxG: 80, maxQty: 1},
		{desc: "Visa application papers", hs: "491199", minG: 30, maxG: 150, maxQty: 1},
		{desc: "Certified copy of birth certificate", hs: "491199", minG: 10, maxG: 40, maxQty: 1},
		{desc: "Business correspondence", hs: "491199", minG: 10, maxG: 60, maxQty: 1},
		{desc: "Tender documents, printed", hs: "491199", minG: 100, maxG: 400, maxQty: 1},
		{desc: "Notarised power of attorney", hs: "491199", minG: 10, maxG: 40, maxQty: 1},
		{desc: "Bank statements", hs: "491199", minG: 10, maxG: 60, maxQty: 1},
	}}
)

// mix is a weighted choice of lines of business.
type mix []struct {
	g *group
	w int
}

var (
	mixEU = mix{
		{grpApparel, 22}, {grpShoesBags, 8}, {grpBooks, 12}, {grpBeauty, 10}, {grpHome, 10},
		{grpElectronics, 8}, {grpToys, 7}, {grpFood, 6}, {grpSports, 6}, {grpHobby, 6}, {grpCarParts, 5},
	}
	mixCN = mix{
		{grpPhoneAcc, 25}, {grpApparel, 20}, {grpElectronics, 15}, {grpToys, 10}, {grpHome, 10},
		{grpJewellery, 8}, {grpBeauty, 4}, {grpSports, 5}, {grpHobby, 2}, {grpTea, 1}, {grpCarParts, 2},
	}
	mixHK = mix{
		{grpElectronics, 25}, {grpPhoneAcc, 20}, {grpWatches, 5}, {grpApparel, 15}, {grpToys, 10},
		{grpBeauty, 10}, {grpTea, 5}, {grpJewellery, 10},
	}
	mixUS = mix{
		{grpSupplements, 25}, {grpApparel, 20}, {grpBooks, 12}, {grpElectronics, 10}, {grpBeauty, 10},
		{grpHobby, 8}, {grpShoesBags, 8}, {grpCarParts, 5}, {grpFood, 2},
	}
	mixGB = mix{
		{grpApparel, 25}, {grpBooks, 15}, {grpBeauty, 12}, {grpTea, 8}, {grpHobby, 10},
		{grpFood, 5}, {grpShoesBags, 10}, {grpHome, 8}, {grpJewellery, 7},
	}
	mixNL = mix{
		{grpApparel, 20}, {grpBooks, 10}, {grpBeauty, 10}, {grpHome, 10}, {grpElectronics, 10},
		{grpGiftNL, 15}, {grpToys, 8}, {grpSports, 7}, {grpHobby, 5}, {grpCarParts, 5},
	}
	mixCH = mix{{grpWatches, 45}, {grpApparel, 15}, {grpBooks, 10}, {grpBeauty, 15}, {grpSports, 15}}
	mixIT = mix{{grpApparel, 25}, {grpShoesBags, 25}, {grpFood, 20}, {grpBeauty, 10}, {grpHome, 10}, {grpBooks, 10}}
	mixFR = mix{{grpBeauty, 30}, {grpApparel, 25}, {grpBooks, 15}, {grpFood, 10}, {grpHome, 10}, {grpShoesBags, 10}}
	mixPL = mix{{grpApparel, 25}, {grpHome, 20}, {grpJewellery, 15}, {grpCarParts, 15}, {grpBeauty, 10}, {grpFood, 5}, {grpToys, 10}}
	mixTR = mix{{grpApparel, 35}, {grpHome, 25}, {grpJewellery, 15}, {grpFood, 10}, {grpShoesBags, 15}}
	mixIN = mix{
		{grpPharmacy, 25}, {grpApparel, 15}, {grpCrafts, 15}, {grpTea, 10}, {grpFood, 10},
		{grpJewellery, 10}, {grpHome, 10}, {grpSupplements, 5},
	}
	mixJP    = mix{{grpHobby, 25}, {grpBeauty, 20}, {grpTea, 10}, {grpHome, 10}, {grpBooks, 15}, {grpElectronics, 10}, {grpToys, 10}}
	mixKR    = mix{{grpBeauty, 50}, {grpApparel, 20}, {grpHobby, 15}, {grpFood, 5}, {grpElectronics, 10}}
	mixAnglo = mix{
		{grpApparel, 25}, {grpBooks, 15}, {grpBeauty, 10}, {grpSupplements, 10}, {grpHobby, 10},
		{grpFood, 10}, {grpHome, 10}, {grpSports, 10},
	}
	mixLatAm = mix{{grpCrafts, 35}, {grpCoffee, 30}, {grpApparel, 15}, {grpJewellery, 10}, {grpFood, 10}}
)

// origin is one country parcels leave from in ordinary traffic, with its
// weight in the inbound stream, its goods and how its senders ship: the
// percentages of business-to-consumer sales, person-to-person gifts and
// documents (the rest is sales), and of items sent by express carriers.
type origin struct {
	code    string
	w       int
	goods   mix
	gift    int
	docs    int
	express int
}

// origins weighs origins the way inbound e-commerce to the EU is weighted:
// China far ahead, then the US, the UK and the big intra-EU sellers.
var origins = []origin{
	{"CN", 520, mixCN, 2, 1, 8},
	{"US", 70, mixUS, 12, 8, 25},
	{"GB", 60, mixGB, 15, 8, 15},
	{"HK", 40, mixHK, 3, 3, 20},
	{"DE", 35, mixEU, 22, 10, 12},
	{"NL", 30, mixNL, 25, 10, 12},
	{"TR", 30, mixTR, 8, 4, 20},
	{"FR", 25, mixFR, 22, 10, 12},
	{"IT", 20, mixIT, 20, 10, 12},
	{"PL", 20, mixPL, 20, 8, 10},
	{"IN", 20, mixIN, 10, 8, 25},
	{"JP", 20, mixJP, 8, 5, 20},
	{"KR", 18, mixKR, 5, 5, 25},
	{"CH", 15, mixCH, 20, 10, 15},
	{"ES", 12, mixEU, 22, 10, 10},
	{"BE", 10, mixEU, 22, 10, 12},
	{"SE", 8, mixEU, 20, 10, 10},
	{"CA", 8, mixAnglo, 25, 8, 20},
	{"AU", 6, mixAnglo, 30, 8, 20},
	{"CZ", 6, mixEU, 20, 10, 8},
	{"AT", 6, mixEU, 22, 10, 10},
	{"BR", 6, mixLatAm, 40, 15, 25},
	{"DK", 4, mixEU, 20, 10, 10},
	{"PT", 4, mixEU, 25, 10, 10},
	{"IE", 4, mixEU, 20, 10, 10},
	{"CO", 4, mixLatAm, 45, 15, 30},
	{"PE", 3, mixLatAm, 40, 15, 30},
	{"EC", 2, mixLatAm, 40, 15, 30},
	{"FI", 2, mixEU, 20, 10, 10},
	{"NZ", 2, mixAnglo, 35, 8, 20},
}

// destinations: mostly the EU, then the UK, Switzerland and the long-haul
// markets the brief names.
var destinations = []struct {
	code string
	w    int
}{
	{"DE", 220}, {"FR", 140}, {"IT", 80}, {"ES", 80}, {"NL", 70}, {"GB", 60}, {"PL", 50},
	{"BE", 40}, {"AT", 30}, {"SE", 30}, {"AU", 30}, {"US", 30}, {"DK", 20}, {"CZ", 20},
	{"IE", 20}, {"PT", 20}, {"CH", 20}, {"CA", 20}, {"FI", 10}, {"NZ", 10},
}

// Words that trade names are made of.
var (
	brandWords = []string{
		"Aurora", "Nordic", "Bluebird", "Evergreen", "Silverline", "Sunrise", "Maple", "Lotus", "Urban", "Golden",
		"Crystal", "Vista", "Summit", "Harbor", "Pioneer", "Orchid", "Atlas", "Nova", "Zenith", "Willow",
		"Cedar", "Meridian", "Polaris", "Juniper", "Oakwood",
	}
	pinyinWords = []string{
		"Jiayi", "Hongda", "Xinyuan", "Meili", "Tianyu", "Haoyu", "Jinsheng", "Ruixiang", "Yuanfeng", "Huacheng",
		"Shengda", "Longteng", "Baixing", "Mingyang", "Kaida", "Xinhong", "Jinrui", "Hengtai", "Zhongxin", "Boya",
	}
	cnProvinces  = []string{"Hubei", "Hebei", "Henan", "Shandong", "Jiangsu", "Zhejiang", "Guangdong", "Anhui", "Shaanxi"}
	serviceNames = []string{"Customer Service", "Shipping Department", "Warehouse", "Order Fulfilment"}
)

// Pattern vocabulary.
var (
	// aliasNames are the names drug vendors use on labels: famous
	// placeholders, initials and first names only.
	aliasNames = []string{
		"John Smith", "Jane Doe", "John Doe", "Max Mustermann", "Erika Mustermann", "Jan Jansen", "Piet Jansen",
		"Jean Dupont", "Mario Rossi", "J. Smith", "M. de Vries", "Mr. Brown", "P. Müller", "A. Janssen",
		"Tom", "Mike", "Alex", "Kevin", "Chris", "Sam", "Mark", "Peter", "Sunny", "Amy", "Coco", "Linda", "Crystal", "Dave",
	}
	handleAdj  = []string{"fast", "happy", "dutch", "quick", "green", "silent", "lucky", "royal", "smart", "cool", "best", "top"}
	handleNoun = []string{"shipper", "parcel", "post", "trader", "shop", "delivery", "store", "mail", "deals", "supply", "express", "tulip"}
	// disposableDomains are throw-away and anonymous mailbox providers.
	disposableDomains = []string{
		"mailinator.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org", "yopmail.com",
		"sharklasers.com", "dispostable.com", "trashmail.com", "maildrop.cc",
	}
	anonDomains = []string{"protonmail.com", "proton.me", "tutanota.com", "gmail.com", "outlook.com"}

	// placeholders are what people type when a form insists on a value.
	placeholderNames   = []string{"unknown", "private", "n/a", "test", "N/A", "xxx", "-", "Private", "none", "Unknown Unknown", "Test Test"}
	placeholderStreets = []string{"n/a", "unknown", "private", "-", "xxx", "test", "N/A", "none", "."}
	placeholderPhones  = []string{"0000000000", "123456789", "n/a", "+00 000 000000"}
	placeholderEmails  = []string{"test@test.com", "none@none.com", "a@a.com", "xxx@xxx.com", "no@email.com"}
)

// vague pairs a vague description with the HS code its senders put beside
// it; "" is a blank code.
type vague struct{ desc, hs string }

var (
	vagueDarknet = []vague{
		{"gift", "950300"}, {"Gift", ""}, {"present", "950300"}, {"documents", "491199"}, {"sample", ""},
		{"clothes", "610910"}, {"clothing", "620520"}, {"cosmetics", "330499"}, {"accessories", "711719"},
		{"book", "490199"}, {"letter", "491199"}, {"personal items", ""}, {"goods", ""}, {"souvenir", "442090"},
		{"birthday gift", "950300"}, {"DVD", "852349"}, {"candy", "170490"}, {"tea", "090230"},
	}
	vagueMDMA = []vague{
		{"gift", "950300"}, {"clothes", "610910"}, {"toys", "950300"}, {"chocolate", "180632"}, {"book", "490199"},
		{"DVD", "852349"}, {"candles", "340600"}, {"cosmetics", "330499"}, {"tea", "090230"},
		{"birthday present", "950300"}, {"souvenir", "442090"}, {"puzzle", "950300"},
	}
	opioidWords = []vague{
		{"medicine", "300490"}, {"pharmaceutical intermediate", "293399"}, {"research chemical", "293399"},
		{"white powder", "292149"}, {"plant growth regulator", "293359"}, {"tea", "090230"},
		{"chemical raw material", "291439"}, {"food additive", "293629"}, {"API powder", "294200"},
		{"cosmetic raw material", "293499"}, {"sample", "300490"}, {"pharmaceutical sample", "300490"},
		{"pigment", "293359"}, {"sweetener", "292429"},
	}
	cocaineWords = []vague{
		{"handicrafts", "442090"}, {"coffee", "090121"}, {"books", "490199"}, {"clothes", "620342"},
		{"artesanías", "442090"}, {"souvenirs", "442090"}, {"shoes", "640399"}, {"documents", "491199"},
		{"ceramic vase", "691390"}, {"wooden box", "442090"}, {"fruit pulp", "200899"}, {"toys", "950300"},
		{"religious statue", "442090"}, {"panela", "170113"},
	}
	npsWords = []vague{
		{"research chemical", "293399"}, {"bath salts", "382499"}, {"plant food", "382499"},
		{"not for human consumption", "382499"}, {"lab reagent", "382499"}, {"herbal incense", "382499"},
		{"pond cleaner", "382499"}, {"analytical reference standard", "293979"}, {"chemical sample", "293399"},
		{"crystals", "293339"}, {"Bath salts - not for human consumption", "382499"}, {"legal high sample", "293999"},
	}
	// coverGoods ride along with a drug item to make the box look ordinary.
	coverGoods = []vague{
		{"Smartphone case, silicone", "392690"}, {"Hair clips set", "961511"}, {"Fashion earrings", "711719"},
		{"Plastic toy", "950300"}, {"Sunglasses", "900410"},
	}
)

// Fixed watch-list material. The exported copies are in synth.go.
var (
	watchPhones = []struct{ phone, country string }{
		{"+31 6 18427735", "NL"}, {"06 29384710", "NL"}, {"0470 551287", "BE"}, {"+49 176 55501923", "DE"},
		{"0157 73310488", "DE"}, {"+86 136 02718845", "CN"}, {"+86 177 40915562", "CN"}, {"+57 315 8820417", "CO"},
	}
	watchEmails = []string{
		"dutchquality.shop@protonmail.com", "fastparcel2026@mailinator.com", "tulipexpress@tutanota.com",
		"wanghong.chem@163.com", "sales.biotech88@gmail.com", "artesanias.medellin@hotmail.com",
		"vdberg.post@guerrillamail.com",
	}
	watchAddrs = []struct{ street, city, postcode, country string }{
		{"Postfach 120453", "Berlin", "10594", "DE"},
		{"Albrechtstraße 14c", "Köln", "50739", "DE"},
		{"Flat 3, 47 Alderney Road", "London", "E1 4EG", "GB"},
		{"ul. Żelazna 61/14", "Warszawa", "00-848", "PL"},
		{"9 rue des Trois Frères", "Paris", "75018", "FR"},
		{"Via Padova 213", "Milano", "20127", "IT"},
		{"PO Box 733", "Sydney NSW", "2001", "AU"},
		{"Calle de la Montera 37, 2º", "Madrid", "28013", "ES"},
	}
)

// dropSites are addresses where many differently named recipients collect
// parcels (a vacant flat, a complicit neighbour). Each is spelt several ways,
// as different buyers type it.
var dropSites = []struct {
	country, city, postcode string
	spellings               []string
}{
	{"DE", "Duisburg", "47166", []string{"Weseler Straße 112", "Weseler Str. 112", "WESELER STRASSE 112", "Weseler Strasse 112"}},
	{"DE", "Berlin", "12043", []string{"Karl-Marx-Straße 201", "Karl-Marx-Str. 201", "Karl-Marx-Strasse 201", "KARL-MARX-STR. 201"}},
	{"NL", "Amsterdam", "1102 AB", []string{"Bijlmerdreef 1044", "BIJLMERDREEF 1044", "Bijlmerdreef  1044", "bijlmerdreef 1044"}},
	{"FR", "Marseille", "13015", []string{"14 boulevard de la Savine", "14 bd de la Savine", "14 BOULEVARD DE LA SAVINE", "14, boulevard de la Savine"}},
	{"GB", "Birmingham", "B19 1AP", []string{"12 Lozells Road", "12 Lozells Rd", "12 LOZELLS ROAD", "12 Lozells Rd."}},
	{"BE", "Antwerpen", "2060", []string{"Diepestraat 77", "DIEPESTRAAT 77", "Diepestraat 77 ", "diepestraat 77"}},
	{"PL", "Łódź", "91-020", []string{"ul. Limanowskiego 133/5", "ulica Limanowskiego 133/5", "UL. LIMANOWSKIEGO 133/5", "ul Limanowskiego 133/5"}},
	{"ES", "Madrid", "28026", []string{"Calle de Antonio López 143, 4º", "Calle Antonio López 143, 4º", "CALLE DE ANTONIO LOPEZ 143, 4º"}},
	{"IT", "Roma", "00177", []string{"Via Casilina 560", "VIA CASILINA 560", "via Casilina 560", "Via Casilina, 560"}},
	{"US", "Chicago, IL", "60624", []string{"4017 W Madison St", "4017 W Madison Street", "4017 W MADISON ST", "4017 W. Madison St"}},
	{"AU", "Melbourne VIC", "3012", []string{"Unit 4/88 Barkly St", "Unit 4/88 Barkly Street", "UNIT 4/88 BARKLY ST", "unit 4/88 Barkly St"}},
}
