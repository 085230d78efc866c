"""Small tables of Peruvian data the generator draws from.

Every table is a tuple (fixed order, so draws are reproducible). Where frequency matters the
order is the rank: earlier entries are drawn more often (see ``seed.rand.ranked``).
"""

from __future__ import annotations


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated block of names as a tuple, in order."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


# --- given names ---------------------------------------------------------------------------
MALE_NAMES = _names(
    """
    Juan, José, Luis, Carlos, Jorge, Miguel, César, Víctor, Manuel, Pedro, Jesús, Alberto,
    Fernando, Ricardo, Raúl, Javier, Julio, Roberto, Eduardo, Mario, Óscar, Daniel, Alejandro,
    Andrés, Antonio, Francisco, Guillermo, Hugo, Héctor, Iván, Jaime, Walter, Wilfredo, Wilmer,
    Edwin, Elmer, Percy, Richard, Segundo, Santiago, Sebastián, Mateo, Diego, Gabriel, Rodrigo,
    Renzo, Bruno, Piero, Gianfranco, Marco, Martín, Nicolás, Pablo, Rafael, Samuel, Tomás,
    Ángel, Álvaro, Christian, Kevin, Jhon, Jhonatan, Brayan, Anthony, Aldo, Abel, Adrián,
    Alfredo, Armando, Arturo, Augusto, Benjamín, David, Edgar, Efraín, Enrique, Ernesto,
    Esteban, Félix, Freddy, Gerardo, Gonzalo, Gustavo, Hernán, Humberto, Ismael, Joel,
    Leonardo, Lorenzo, Marcos, Mauricio, Moisés, Nelson, Orlando, Paúl, Rolando, Rubén, Sergio,
    Teodoro, Ulises, Vicente, Yuri, Elías, Emilio, Fabricio, Franco, Joaquín, Thiago, Luciano,
    Leandro, Alexander, Josué, Isaac, Ronald, Henry, Frank, Willy, Teófilo, Omar, Alonso,
    Dante, Gino, Máximo, Celestino, Aurelio, Saturnino, Fortunato, Eusebio, Rigoberto
    """
)

FEMALE_NAMES = _names(
    """
    María, Rosa, Ana, Carmen, Juana, Luz, Elena, Isabel, Patricia, Sofía, Valentina, Camila,
    Lucía, Daniela, Gabriela, Andrea, Fernanda, Alejandra, Mariana, Valeria, Natalia, Carolina,
    Milagros, Rocío, Flor, Yolanda, Gladys, Nelly, Norma, Marisol, Maribel, Pilar, Teresa,
    Julia, Gloria, Silvia, Sonia, Mónica, Verónica, Claudia, Diana, Erika, Karina, Katherine,
    Kiara, Lesly, Liliana, Lourdes, Luisa, Marleni, Martha, Miriam, Olga, Paola, Raquel, Ruth,
    Sandra, Susana, Vanessa, Ximena, Yesenia, Zoila, Beatriz, Betty, Blanca, Cecilia, Cinthia,
    Delia, Dora, Edith, Elizabeth, Esther, Eva, Fiorella, Giuliana, Graciela, Irene, Janet,
    Jessica, Judith, Karen, Karla, Lidia, Lorena, Maritza, Mercedes, Nancy, Noemí, Pamela,
    Regina, Rosario, Sara, Stephanie, Tatiana, Vilma, Ángela, Antonella, Ariana, Nicole,
    Alessandra, Micaela, Renata, Isabella, Luana, Abigail, Inés, Rebeca, Jimena, Sheyla,
    Yaneth, Nataly, Emperatriz, Eulalia, Felícitas, Herminia, Justina, Marina, Natividad,
    Paulina, Celia, Dominga
    """
)

# second names that usually follow "María" as a unit
MARIA_COMPOUNDS = _names(
    """
    del Carmen, de los Ángeles, del Pilar, del Rosario, de Fátima, Elena, Isabel, Fernanda,
    Luisa, Teresa, José, Alejandra
    """
)

# --- surnames (Spanish, Quechua, Aymara, Tusán and Nikkei), most common first -------------
SURNAMES = _names(
    """
    Quispe, Flores, Sánchez, Rodríguez, García, Rojas, Mamani, Huamán, Gonzales, Chávez, Ramos,
    Vásquez, Díaz, Torres, Mendoza, Castillo, Pérez, Ramírez, Cruz, Espinoza, López, Gutiérrez,
    Vargas, Condori, Reyes, Fernández, Romero, Salazar, Castro, Ruiz, Morales, Álvarez, Medina,
    Jiménez, Herrera, Silva, Aguilar, Rivera, Paredes, Vega, Ríos, Córdova, Cárdenas, Mejía,
    Muñoz, Ticona, Apaza, Choque, Cusi, Huanca, Ccama, Chambi, Yupanqui, Poma, Paucar, Layme,
    Ccori, Ñaupari, Huarcaya, Pari, Luque, Calla, Ccahuana, Suárez, Núñez, Peña, Ibáñez,
    Zúñiga, Montes, Campos, Carrasco, Delgado, Guerrero, León, Navarro, Ortiz, Palacios, Soto,
    Valdivia, Zapata, Zevallos, Valencia, Villanueva, Tapia, Velásquez, Benites, Arias, Acosta,
    Alarcón, Alvarado, Arce, Ávila, Bravo, Bustamante, Cabrera, Cáceres, Calderón, Cano,
    Carbajal, Cornejo, Cueva, Chumpitaz, Dávila, De la Cruz, Durand, Escobar, Estrada, Farfán,
    Figueroa, Gamarra, Gallegos, Gálvez, Guzmán, Hidalgo, Hinostroza, Huertas, Inga, Lazo,
    Lozano, Llanos, Llerena, Maldonado, Manrique, Marín, Meza, Miranda, Molina, Montoya,
    Moreno, Nieto, Ochoa, Olivares, Ore, Orihuela, Pacheco, Palomino, Pizarro, Ponce,
    Portocarrero, Prado, Quiroz, Quintana, Rengifo, Saavedra, Salas, Salinas, Sandoval, Santos,
    Sotomayor, Tello, Toledo, Valverde, Vera, Vilca, Villegas, Yáñez, Zegarra, Aliaga, Alfaro,
    Aranda, Baca, Bautista, Bernal, Caballero, Camacho, Cancho, Castañeda, Coaquira, Huayta,
    Jara, Loayza, Limachi, Mallma, Quicaño, Tacuri, Tito, Tupa, Ayala, Cisneros, Escalante,
    Gómez, Hernández, Martínez, Ortega, Pinto, Rosales, Solís, Valle, Vidal, Arévalo, Bazán,
    Chávarry, Olaya, Saldaña, Seminario, Távara, Del Águila, Panduro, Tuesta, Pinedo, Shapiama,
    Wong, Chang, Lam, Chung, Higa, Tamashiro, Nakamura, Oshiro, Kanashiro
    """
)

# --- e-mail domains (weights in per mille) -------------------------------------------------
EMAIL_DOMAINS: tuple[tuple[str, int], ...] = (
    ("gmail.com", 500),
    ("hotmail.com", 180),
    ("outlook.com", 100),
    ("yahoo.com", 60),
    ("yahoo.es", 30),
    ("icloud.com", 30),
    ("live.com", 20),
    ("outlook.es", 20),
    ("hotmail.es", 10),
    ("pucp.edu.pe", 10),
    ("unmsm.edu.pe", 10),
    ("upc.edu.pe", 5),
    ("ulima.edu.pe", 5),
    ("uni.pe", 5),
    ("terra.com.pe", 15),
)

# --- where people bank: district or city, with its province (weights in per mille) --------
LOCATIONS: tuple[tuple[str, int], ...] = (
    ("San Juan de Lurigancho, Lima", 60),
    ("San Martín de Porres, Lima", 45),
    ("Ate, Lima", 35),
    ("Comas, Lima", 30),
    ("Villa El Salvador, Lima", 25),
    ("Los Olivos, Lima", 30),
    ("Santiago de Surco, Lima", 35),
    ("Miraflores, Lima", 30),
    ("San Isidro, Lima", 25),
    ("La Molina, Lima", 15),
    ("San Borja, Lima", 15),
    ("Jesús María, Lima", 12),
    ("Lince, Lima", 10),
    ("Pueblo Libre, Lima", 10),
    ("Magdalena del Mar, Lima", 8),
    ("San Miguel, Lima", 15),
    ("Cercado de Lima, Lima", 30),
    ("La Victoria, Lima", 20),
    ("Breña, Lima", 8),
    ("Rímac, Lima", 10),
    ("Chorrillos, Lima", 18),
    ("Barranco, Lima", 6),
    ("Surquillo, Lima", 10),
    ("Villa María del Triunfo, Lima", 18),
    ("San Juan de Miraflores, Lima", 20),
    ("Independencia, Lima", 12),
    ("Puente Piedra, Lima", 14),
    ("Carabayllo, Lima", 10),
    ("Santa Anita, Lima", 10),
    ("El Agustino, Lima", 8),
    ("Callao, Callao", 25),
    ("Bellavista, Callao", 6),
    ("Ventanilla, Callao", 10),
    ("Arequipa, Arequipa", 40),
    ("Cayma, Arequipa", 6),
    ("Trujillo, La Libertad", 35),
    ("Chiclayo, Lambayeque", 30),
    ("Piura, Piura", 28),
    ("Sullana, Piura", 6),
    ("Cusco, Cusco", 22),
    ("Huancayo, Junín", 20),
    ("Iquitos, Loreto", 14),
    ("Tacna, Tacna", 10),
    ("Puno, Puno", 8),
    ("Juliaca, Puno", 10),
    ("Ica, Ica", 12),
    ("Cajamarca, Cajamarca", 10),
    ("Pucallpa, Ucayali", 9),
    ("Chimbote, Áncash", 10),
    ("Huaraz, Áncash", 5),
    ("Ayacucho, Ayacucho", 7),
    ("Huánuco, Huánuco", 6),
    ("Tarapoto, San Martín", 7),
    ("Tumbes, Tumbes", 4),
    ("Moquegua, Moquegua", 3),
    ("Puerto Maldonado, Madre de Dios", 2),
    ("Abancay, Apurímac", 2),
    ("Chachapoyas, Amazonas", 2),
    ("Cerro de Pasco, Pasco", 2),
    ("Huancavelica, Huancavelica", 2),
)

# --- what service payments pay for ----------------------------------------------------------
SERVICE_PAYEES: tuple[tuple[str, int], ...] = (
    ("Luz del Sur", 120),
    ("Enel Distribución", 100),
    ("Sedapal", 110),
    ("Movistar", 110),
    ("Claro", 100),
    ("Entel", 60),
    ("Bitel", 30),
    ("Cálidda", 50),
    ("Win Internet", 30),
    ("DirecTV", 25),
    ("SAT Lima (arbitrios)", 20),
    ("Pensión escolar", 50),
    ("Universidad (pensión)", 40),
    ("Seguro de salud", 25),
    ("Tarjeta de crédito", 80),
    ("Hidrandina", 20),
    ("Seal Arequipa", 15),
    ("Sedalib", 15),
)
