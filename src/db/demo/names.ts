// Names for identities and friendly names, from many languages.

// biome-ignore format: a data table, several entries per line
export const FIRST_NAMES = [
  'Aaliyah', 'Adrián', 'Aiko', 'Alejandro', 'Amara', 'Amelia', 'Anders', 'Ananya', 'Andrea', 'Arjun',
  'Beatriz', 'Bilal', 'Bruno', 'Camille', 'Carlos', 'Chen', 'Chloé', 'Chidi', 'Daniel', 'Dmitri',
  'Elena', 'Emeka', 'Emma', 'Fatima', 'Felix', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hassan',
  'Ingrid', 'Isabella', 'Ivan', 'Jamal', 'Javier', 'Jin', 'João', 'Julia', 'Kai', 'Kavya',
  'Kenji', 'Lars', 'Layla', 'Leon', 'Liam', 'Lucía', 'Maria', 'Mateo', 'Maya', 'Mei',
  'Mohammed', 'Nadia', 'Nia', 'Noah', 'Nora', 'Olivia', 'Omar', 'Oscar', 'Priya', 'Rafael',
  'Ravi', 'Rosa', 'Sakura', 'Samuel', 'Sara', 'Sofia', 'Søren', 'Tariq', 'Thabo', 'Tomás',
  'Valentina', 'Wei', 'Yara', 'Yusuf', 'Zainab', 'Zoë', 'Ahmed', 'Ben', 'Clara', 'David',
];

// biome-ignore format: a data table, several entries per line
export const LAST_NAMES = [
  'Abebe', 'Adeyemi', 'Ahmed', 'Almeida', 'Andersson', 'Bauer', 'Becker', 'Brown', 'Castillo', 'Chen',
  'Cohen', 'Costa', 'Dubois', 'Dvořák', 'Eriksen', 'Fernández', 'Fischer', 'García', 'González', 'Gupta',
  'Haddad', 'Hansen', 'Hernández', 'Ibrahim', 'Ivanova', 'Jensen', 'Johnson', 'Kato', 'Kim', 'Kowalski',
  'Kumar', 'Larsen', 'Lee', 'Lopez', 'Martin', 'Meyer', 'Mensah', 'Moreau', 'Müller', 'Nakamura',
  'Nguyen', 'Novak', 'Nowak', 'Okafor', 'Olsen', 'Park', 'Patel', 'Pereira', 'Petrov', 'Popescu',
  'Rahman', 'Reyes', 'Rossi', 'Sato', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Suzuki', 'Tanaka',
  'Taylor', 'Thompson', 'Torres', 'Van Dijk', 'Wagner', 'Walker', 'Wang', 'Williams', 'Wilson', 'Wójcik',
  'Yamamoto', 'Yilmaz', 'Zhang', "O'Brien", 'Kovačević', 'Lindqvist', 'Mwangi', 'Ortiz', 'Richter', 'Santos',
];

export function asciiSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
