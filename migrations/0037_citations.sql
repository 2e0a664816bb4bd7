-- Issue 20 item 14: the Dz. U. position of each statute the letters cite,
-- with the day each consolidated text (tekst jednolity) applies from. A
-- letter cites, per act, the row with the greatest applies_from on or before
-- its date (cases/letters.c), so a new consolidated text is one row:
--   INSERT INTO citations VALUES ('kpa', 'Dz. U. z 2026 r. poz. 123', '2026-05-01');
-- act: kpa (Kodeks postępowania administracyjnego), udip (dostęp do informacji
-- publicznej), uod (otwarte dane i ponowne wykorzystywanie), ppsa (postępowanie
-- przed sądami administracyjnymi). The seeded rows are the texts the letters
-- cited before; they apply from any date (2000-01-01), their announcement
-- dates not being recorded here.
CREATE TABLE citations (
    act text NOT NULL CHECK (act IN ('kpa', 'udip', 'uod', 'ppsa')),
    dz_u text NOT NULL CHECK (dz_u ~ '^Dz\. U\. z [0-9]{4} r\. poz\. [0-9]+$'),
    applies_from date NOT NULL,
    PRIMARY KEY (act, applies_from)
);

INSERT INTO citations (act, dz_u, applies_from) VALUES
    ('udip', 'Dz. U. z 2022 r. poz. 902', '2000-01-01'),
    ('uod', 'Dz. U. z 2023 r. poz. 1524', '2000-01-01'),
    ('kpa', 'Dz. U. z 2024 r. poz. 572', '2000-01-01'),
    ('ppsa', 'Dz. U. z 2024 r. poz. 935', '2000-01-01');
