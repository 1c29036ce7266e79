<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>custody</name>
    <message>
        <source>Within the thresholds</source>
        <translation>Dentro de los umbrales</translation>
    </message>
    <message>
        <source>Past the warning threshold</source>
        <translation>Rebasó el umbral de aviso</translation>
    </message>
    <message>
        <source>Past the alert threshold</source>
        <translation>Rebasó el umbral de alerta</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Could not read “{text}” as decimal degrees; write latitude and longitude, for example 19.4283, -99.1333.</source>
        <translation>No se pudo leer “{text}” como grados decimales; escriba latitud y longitud, por ejemplo 19.4283, -99.1333.</translation>
    </message>
    <message>
        <source>Could not read “{text}” as degrees, minutes and seconds; write for example 19°25&apos;42.1&quot;N 99°07&apos;59.9&quot;W.</source>
        <translation>No se pudo leer “{text}” como grados, minutos y segundos; escriba por ejemplo 19°25&apos;42.1&quot;N 99°07&apos;59.9&quot;O.</translation>
    </message>
    <message>
        <source>Only the last of degrees, minutes and seconds may have decimals (in “{text}”).</source>
        <translation>Solo el último valor de grados, minutos y segundos puede tener decimales (en “{text}”).</translation>
    </message>
    <message>
        <source>Minutes must be less than 60 (got {got}).</source>
        <translation>Los minutos deben ser menores que 60 (se recibió {got}).</translation>
    </message>
    <message>
        <source>Seconds must be less than 60 (got {got}).</source>
        <translation>Los segundos deben ser menores que 60 (se recibió {got}).</translation>
    </message>
    <message>
        <source>Use either a minus sign or a hemisphere letter, not both (in “{text}”).</source>
        <translation>Use el signo menos o la letra del hemisferio, no ambos (en “{text}”).</translation>
    </message>
    <message>
        <source>Enter an MGRS reference.</source>
        <translation>Escriba una referencia MGRS.</translation>
    </message>
    <message>
        <source>“{text}” is not an MGRS reference; write zone, band, 100 km square and digits, for example 14Q MG 86006 48224.</source>
        <translation>“{text}” no es una referencia MGRS; escriba zona, banda, cuadro de 100 km y dígitos, por ejemplo 14Q MG 86006 48224.</translation>
    </message>
    <message>
        <source>The MGRS zone must be between 1 and 60 (got {got}).</source>
        <translation>La zona MGRS debe estar entre 1 y 60 (se recibió {got}).</translation>
    </message>
    <message>
        <source>The MGRS latitude band must be a letter from C to X other than I and O (got {got}).</source>
        <translation>La banda de latitud MGRS debe ser una letra de la C a la X, excepto I y O (se recibió {got}).</translation>
    </message>
    <message>
        <source>The MGRS 100 km square {got} does not exist.</source>
        <translation>El cuadro MGRS de 100 km {got} no existe.</translation>
    </message>
    <message>
        <source>An MGRS reference needs an even number of digits, from 2 to 10 (got {count}).</source>
        <translation>Una referencia MGRS necesita un número par de dígitos, de 2 a 10 (se recibieron {count}).</translation>
    </message>
    <message>
        <source>The MGRS reference {text} does not exist (check the zone, band and letters).</source>
        <translation>La referencia MGRS {text} no existe (revise la zona, la banda y las letras).</translation>
    </message>
    <message>
        <source>The file {path} is not a usable Enlace database ({why}). It was not changed; move it aside to start a new one.</source>
        <translation>El archivo {path} no es una base de datos de Enlace utilizable ({why}). No se modificó; apártelo para comenzar una nueva.</translation>
    </message>
    <message>
        <source>The database {path} was written by a newer version of Enlace (schema {version}). It was not changed; install the newer version to open it.</source>
        <translation>La base de datos {path} fue escrita por una versión más reciente de Enlace (esquema {version}). No se modificó; instale la versión más reciente para abrirla.</translation>
    </message>
    <message>
        <source>The change could not be saved ({why}). Nothing was written; check free disk space and permissions of the data folder.</source>
        <translation>No se pudo guardar el cambio ({why}). No se escribió nada; revise el espacio libre en disco y los permisos de la carpeta de datos.</translation>
    </message>
    <message>
        <source>The disk that holds {path} is full. Enlace shows what it holds but cannot save or sync anything until space is freed. Nothing was lost: free some space and start Enlace again (do not move the database aside).</source>
        <translation>El disco que contiene {path} está lleno. Enlace muestra lo que contiene, pero no puede guardar ni sincronizar nada hasta que se libere espacio. No se perdió nada: libere espacio y vuelva a iniciar Enlace (no aparte la base de datos).</translation>
    </message>
    <message>
        <source>The data folder {path} cannot be written (read-only disk or folder). Enlace shows what it holds but cannot save or sync anything. Nothing was lost: make the folder writable and start Enlace again (do not move the database aside).</source>
        <translation>No se puede escribir en la carpeta de datos {path} (disco o carpeta de solo lectura). Enlace muestra lo que contiene, pero no puede guardar ni sincronizar nada. No se perdió nada: permita la escritura en la carpeta y vuelva a iniciar Enlace (no aparte la base de datos).</translation>
    </message>
    <message>
        <source>The data folder {path} needs a passphrase to encrypt its database (no secure keyring is available, or the site profile asks for one). Choose one of at least {min} characters; without it the data cannot be read again.</source>
        <translation>La carpeta de datos {path} necesita una frase de contraseña para cifrar su base de datos (no hay un llavero seguro disponible, o el perfil del sitio lo pide). Elija una de al menos {min} caracteres; sin ella los datos no se podrán volver a leer.</translation>
    </message>
    <message>
        <source>The database in {path} is encrypted: give its passphrase to open it.</source>
        <translation>La base de datos en {path} está cifrada: escriba su frase de contraseña para abrirla.</translation>
    </message>
    <message>
        <source>Too many wrong attempts: try again in {seconds} seconds. Nothing is shown until then.</source>
        <translation>Demasiados intentos incorrectos: vuelva a intentarlo en {seconds} segundos. No se muestra nada hasta entonces.</translation>
    </message>
    <message>
        <source>The passphrase or password is wrong. Nothing is shown; try again.</source>
        <translation>La frase de contraseña o la contraseña no es correcta. No se muestra nada; vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The key of the database in {path} cannot be taken from this computer&apos;s keyring ({why}). Give the folder&apos;s recovery passphrase instead, or unlock the keyring and start again. Nothing was changed.</source>
        <translation>La llave de la base de datos en {path} no se puede tomar del llavero de esta computadora ({why}). Escriba en su lugar la frase de contraseña de recuperación de la carpeta, o desbloquee el llavero y vuelva a iniciar. No se cambió nada.</translation>
    </message>
    <message>
        <source>The key of the database in {path} cannot be taken from this computer&apos;s keyring ({why}). Unlock the keyring (or restore it) and start again; the database stays encrypted and nothing was changed. Your IT staff can help.</source>
        <translation>La llave de la base de datos en {path} no se puede tomar del llavero de esta computadora ({why}). Desbloquee el llavero (o restáurelo) y vuelva a iniciar; la base de datos sigue cifrada y no se cambió nada. El personal de informática puede ayudarle.</translation>
    </message>
    <message>
        <source>The database {path} cannot be read with this laptop&apos;s key: it was encrypted on another laptop (a copied file) or it is damaged. It was not changed. Open it on the laptop it comes from, or put this laptop&apos;s own database back.</source>
        <translation>La base de datos {path} no se puede leer con la llave de esta laptop: se cifró en otra laptop (un archivo copiado) o está dañada. No se cambió. Ábrala en la laptop de la que proviene, o vuelva a poner la base de datos propia de esta laptop.</translation>
    </message>
    <message>
        <source>{time} does not exist in this time zone: the clocks jumped forward at that hour. Check the time, or write it with its UTC offset or in UTC (Z).</source>
        <translation>{time} no existe en esta zona horaria: los relojes se adelantaron a esa hora. Revise la hora, o escríbala con su desfase UTC o en UTC (Z).</translation>
    </message>
    <message>
        <source>{time} happens twice in this time zone: the clocks went back at that hour. Say which: write it with its UTC offset ({first} for the first, {second} for the second) or in UTC (Z).</source>
        <translation>{time} ocurre dos veces en esta zona horaria: los relojes se atrasaron a esa hora. Indique cuál: escríbala con su desfase UTC ({first} para la primera, {second} para la segunda) o en UTC (Z).</translation>
    </message>
    <message>
        <source>“{text}” is not a date-time group; write for example 291730Z NOV 26.</source>
        <translation>“{text}” no es un grupo fecha-hora; escriba por ejemplo 291730Z NOV 26.</translation>
    </message>
    <message>
        <source>Unknown month “{month}” in the date-time group.</source>
        <translation>Mes desconocido “{month}” en el grupo fecha-hora.</translation>
    </message>
    <message>
        <source>The date-time group {text} names a date that does not exist.</source>
        <translation>El grupo fecha-hora {text} indica una fecha que no existe.</translation>
    </message>
    <message>
        <source>“{text}” is not a date and time; write for example 2026-11-29T17:30 or 2026-11-29T17:30:00Z.</source>
        <translation>“{text}” no es una fecha y hora; escriba por ejemplo 2026-11-29T17:30 o 2026-11-29T17:30:00Z.</translation>
    </message>
    <message>
        <source>Enter a whole number (got “{got}”).</source>
        <translation>Escriba un número entero (se recibió “{got}”).</translation>
    </message>
    <message>
        <source>Enter a number (got “{got}”).</source>
        <translation>Escriba un número (se recibió “{got}”).</translation>
    </message>
    <message>
        <source>{count} units have the callsign {callsign}; name the agency to choose one.</source>
        <extracomment>Column order of a roster row (``roster_rows`` / ``unit_rows_by_ids``).</extracomment>
        <translation>{count} unidades tienen el indicativo {callsign}; indique la dependencia para elegir una.</translation>
    </message>
    <message>
        <source>Passphrase: </source>
        <translation>Frase de contraseña: </translation>
    </message>
    <message>
        <source>Passphrase again: </source>
        <translation>Frase de contraseña otra vez: </translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Las dos frases de contraseña no coinciden.</translation>
    </message>
    <message>
        <source>No unit has the callsign {callsign}.</source>
        <translation>Ninguna unidad tiene el indicativo {callsign}.</translation>
    </message>
    <message>
        <source>{n} {what} written to {path}. The file is NOT encrypted (only the database is): keep it on this laptop or a protected medium, and delete it when done.</source>
        <translation>{n} {what} escritos en {path}. El archivo NO está cifrado (solo la base de datos lo está): consérvelo en esta laptop o en un medio protegido, y bórrelo cuando termine.</translation>
    </message>
    <message>
        <source>Cannot write {path}: {why}</source>
        <translation>No se puede escribir {path}: {why}</translation>
    </message>
    <message>
        <source>Nothing to change: give at least one field, e.g. --status assigned.</source>
        <translation>Nada que cambiar: indique al menos un campo, p. ej. --status assigned.</translation>
    </message>
    <message>
        <source>There is no database at {path}.</source>
        <translation>No hay base de datos en {path}.</translation>
    </message>
    <message>
        <source>A unit with this id already exists.</source>
        <translation>Ya existe una unidad con este identificador.</translation>
    </message>
    <message>
        <source>Unit not found.</source>
        <translation>No se encontró la unidad.</translation>
    </message>
    <message>
        <source>Operation not found.</source>
        <translation>No se encontró el operativo.</translation>
    </message>
    <message>
        <source>Assignment not found.</source>
        <translation>No se encontró la asignación.</translation>
    </message>
    <message>
        <source>Jurisdiction zone not found.</source>
        <translation>No se encontró la zona de jurisdicción.</translation>
    </message>
    <message>
        <source>A unit cannot be placed under itself or its own subordinate.</source>
        <translation>Una unidad no puede quedar bajo sí misma ni bajo una de sus subordinadas.</translation>
    </message>
    <message>
        <source>The parent unit does not exist.</source>
        <translation>La unidad superior no existe.</translation>
    </message>
    <message>
        <source>Incident not found.</source>
        <translation>No se encontró el incidente.</translation>
    </message>
    <message>
        <source>The entry to amend does not belong to this incident.</source>
        <translation>La entrada a enmendar no pertenece a este incidente.</translation>
    </message>
    <message>
        <source>A record with this id already exists.</source>
        <translation>Ya existe un registro con este identificador.</translation>
    </message>
    <message>
        <source>Conflict not found.</source>
        <translation>No se encontró el conflicto.</translation>
    </message>
    <message>
        <source>No operation has the code {code}.</source>
        <translation>Ningún operativo tiene la clave {code}.</translation>
    </message>
    <message>
        <source>Several operations have the code {code}; give the id of one: {ids}.</source>
        <translation>Varios operativos tienen la clave {code}; indique el identificador de uno: {ids}.</translation>
    </message>
    <message>
        <source>Cannot read {path}: {why}</source>
        <translation>No se puede leer {path}: {why}</translation>
    </message>
    <message>
        <source>{path} is {mb} MB; zone files of at most {max} MB are imported (split it, or import one level at a time).</source>
        <translation>{path} pesa {mb} MB; se importan archivos de zonas de hasta {max} MB (divídalo o importe un nivel a la vez).</translation>
    </message>
    <message>
        <source>{path} is not GeoJSON, KML or an Esri Shapefile (.shp with its .shx and .dbf).</source>
        <translation>{path} no es GeoJSON, KML ni un Shapefile de Esri (.shp con sus .shx y .dbf).</translation>
    </message>
    <message>
        <source>{path} ends before its GeoJSON does: the file is truncated.</source>
        <translation>{path} termina antes que su GeoJSON: el archivo está truncado.</translation>
    </message>
    <message>
        <source>{path} is damaged: not valid GeoJSON ({why}).</source>
        <translation>{path} está dañado: no es GeoJSON válido ({why}).</translation>
    </message>
    <message>
        <source>{path} is JSON but not GeoJSON (no FeatureCollection, Feature or geometry).</source>
        <translation>{path} es JSON pero no GeoJSON (no tiene FeatureCollection, Feature ni geometría).</translation>
    </message>
    <message>
        <source>{path} ends before its KML does: the file is truncated.</source>
        <translation>{path} termina antes que su KML: el archivo está truncado.</translation>
    </message>
    <message>
        <source>{path} is damaged: not valid KML ({why}).</source>
        <translation>{path} está dañado: no es KML válido ({why}).</translation>
    </message>
    <message>
        <source>{path} is XML but holds no KML placemarks.</source>
        <translation>{path} es XML pero no contiene marcas (Placemark) de KML.</translation>
    </message>
    <message>
        <source>{path} is truncated: its header says {declared} bytes, the file has {size}.</source>
        <translation>{path} está truncado: su encabezado indica {declared} bytes y el archivo tiene {size}.</translation>
    </message>
    <message>
        <source>{path} is not a complete Esri Shapefile ({why}); it needs its .shx and .dbf beside it.</source>
        <translation>{path} no es un Shapefile de Esri completo ({why}); necesita sus archivos .shx y .dbf junto a él.</translation>
    </message>
    <message>
        <source>{path} is damaged or truncated ({why}).</source>
        <translation>{path} está dañado o truncado ({why}).</translation>
    </message>
    <message>
        <source>{path} names a projection that cannot be read ({why}).</source>
        <translation>{path} indica una proyección que no se puede leer ({why}).</translation>
    </message>
    <message>
        <source>{path} has no attribute “{name}”; it has: {names}.</source>
        <translation>{path} no tiene el atributo “{name}”; tiene: {names}.</translation>
    </message>
    <message>
        <source>{path}: {count} feature(s) are not valid areas (the reason, then where: latitude, longitude); nothing was imported. Feature(s): {list}{more}</source>
        <translation>{path}: {count} elemento(s) no son áreas válidas (el motivo y dónde: latitud, longitud); no se importó nada. Elemento(s): {list}{more}</translation>
    </message>
    <message>
        <source>{path} holds no polygons ({count} feature(s), none an area).</source>
        <translation>{path} no contiene polígonos ({count} elemento(s), ninguno es un área).</translation>
    </message>
    <message>
        <source>{path} has no .prj and its coordinates (e.g. {x}, {y}) are not longitude and latitude: put the .prj that came with it beside it.</source>
        <translation>{path} no tiene .prj y sus coordenadas (p. ej. {x}, {y}) no son longitud y latitud: coloque junto a él el .prj que venía con el archivo.</translation>
    </message>
    <message>
        <source>The area is not GeoJSON ({why}).</source>
        <translation>El área no es GeoJSON ({why}).</translation>
    </message>
    <message>
        <source>The area must be one GeoJSON Polygon (got {kind}).</source>
        <translation>El área debe ser un solo polígono GeoJSON (se recibió {kind}).</translation>
    </message>
    <message>
        <source>Nothing to change: give at least one field, e.g. --status active.</source>
        <translation>Nada que cambiar: indique al menos un campo, por ejemplo --status active.</translation>
    </message>
    <message>
        <source>Say which operation: --operation CODE.</source>
        <translation>Indique el operativo: --operation CLAVE.</translation>
    </message>
    <message>
        <source>No hand-over has the id {id}.</source>
        <translation>Ninguna entrega de mando tiene el identificador {id}.</translation>
    </message>
    <message>
        <source>Give at least the first 8 characters of the record&apos;s id.</source>
        <translation>Escriba al menos los primeros 8 caracteres del identificador del registro.</translation>
    </message>
    <message>
        <source>No single record has the id {id}.</source>
        <translation>No hay un único registro con el identificador {id}.</translation>
    </message>
    <message>
        <source>The database in {path} could not be encrypted ({why}). It was left as it was and nothing was lost; start Enlace again once that is put right.</source>
        <translation>La base de datos en {path} no se pudo cifrar ({why}). Se dejó como estaba y no se perdió nada; vuelva a iniciar Enlace cuando eso se haya corregido.</translation>
    </message>
    <message>
        <source>The passphrase must have at least {min} characters.</source>
        <translation>La frase de contraseña debe tener al menos {min} caracteres.</translation>
    </message>
</context>
<context>
    <name>zones</name>
    <message>
        <source>Imported {count} zone(s) from {path} ({kind}).</source>
        <translation>Se importaron {count} zona(s) de {path} ({kind}).</translation>
    </message>
    <message>
        <source>Reprojected from {crs} to WGS84 longitude/latitude.</source>
        <translation>Reproyectado de {crs} a longitud/latitud WGS84.</translation>
    </message>
    <message>
        <source>{name}	{parts} part(s)	{points} points</source>
        <translation>{name}	{parts} parte(s)	{points} puntos</translation>
    </message>
    <message>
        <source>simplified from {points} points</source>
        <translation>simplificado de {points} puntos</translation>
    </message>
    <message>
        <source>Skipped feature {n}: a {kind}, not an area.</source>
        <translation>Se omitió el elemento {n}: es un {kind}, no un área.</translation>
    </message>
</context>
</TS>
