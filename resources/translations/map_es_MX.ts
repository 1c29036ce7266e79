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
</context>
</TS>
