<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>entities</name>
    <message>
        <source>Conflict</source>
        <translation>Conflicto</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>Incident log entry</source>
        <translation>Anotación de bitácora</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operativo</translation>
    </message>
    <message>
        <source>Assignment</source>
        <translation>Asignación</translation>
    </message>
    <message>
        <source>Hand-over of command</source>
        <translation>Entrega de mando</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>Dependencia</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Position report</source>
        <translation>Reporte de posición</translation>
    </message>
    <message>
        <source>Jurisdiction zone</source>
        <translation>Zona de jurisdicción</translation>
    </message>
    <message>
        <source>Detention record</source>
        <translation>Registro de detención</translation>
    </message>
    <message>
        <source>Use-of-force report</source>
        <translation>Informe de uso de la fuerza</translation>
    </message>
</context>
<context>
    <name>fields</name>
    <message>
        <source>Record type</source>
        <translation>Tipo de registro</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Registro</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Campo</translation>
    </message>
    <message>
        <source>Value that stands</source>
        <translation>Valor vigente</translation>
    </message>
    <message>
        <source>Overwritten value</source>
        <translation>Valor sobrescrito</translation>
    </message>
    <message>
        <source>Clock of the value that stands</source>
        <translation>Reloj del valor vigente</translation>
    </message>
    <message>
        <source>Clock of the overwritten value</source>
        <translation>Reloj del valor sobrescrito</translation>
    </message>
    <message>
        <source>Written by (stands)</source>
        <translation>Escrito por (vigente)</translation>
    </message>
    <message>
        <source>Written by (overwritten)</source>
        <translation>Escrito por (sobrescrito)</translation>
    </message>
    <message>
        <source>Detected at</source>
        <translation>Detectado el</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Resolución</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Título</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravedad</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>Latitud</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>Longitud</translation>
    </message>
    <message>
        <source>Occurred at</source>
        <translation>Ocurrió el</translation>
    </message>
    <message>
        <source>Reporting agency</source>
        <translation>Dependencia que reporta</translation>
    </message>
    <message>
        <source>Involved agencies</source>
        <translation>Dependencias involucradas</translation>
    </message>
    <message>
        <source>Visibility</source>
        <translation>Visibilidad</translation>
    </message>
    <message>
        <source>Reason for voiding</source>
        <translation>Motivo de la anulación</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operativo</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texto</translation>
    </message>
    <message>
        <source>Corrects entry</source>
        <translation>Corrige la anotación</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>Nuevo estado</translation>
    </message>
    <message>
        <source>Written at</source>
        <translation>Escrita el</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Autor</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Clave</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Lead agency</source>
        <translation>Dependencia coordinadora</translation>
    </message>
    <message>
        <source>Participating agencies</source>
        <translation>Dependencias participantes</translation>
    </message>
    <message>
        <source>Authority</source>
        <translation>Autoridad</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>Fundamento legal</translation>
    </message>
    <message>
        <source>Legal reference</source>
        <translation>Referencia del fundamento</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Área</translation>
    </message>
    <message>
        <source>Starts at</source>
        <translation>Inicia</translation>
    </message>
    <message>
        <source>Ends at</source>
        <translation>Termina</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>Instrucciones</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Función</translation>
    </message>
    <message>
        <source>Commanding agency</source>
        <translation>Dependencia al mando</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>Handed over</source>
        <translation>Se entrega</translation>
    </message>
    <message>
        <source>Scene</source>
        <translation>Escena</translation>
    </message>
    <message>
        <source>From agency</source>
        <translation>Dependencia que entrega</translation>
    </message>
    <message>
        <source>From (person)</source>
        <translation>Entrega (persona)</translation>
    </message>
    <message>
        <source>To agency</source>
        <translation>Dependencia que recibe</translation>
    </message>
    <message>
        <source>To (person)</source>
        <translation>Recibe (persona)</translation>
    </message>
    <message>
        <source>Acknowledges</source>
        <translation>Acusa recibo de</translation>
    </message>
    <message>
        <source>At</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Registrado por</translation>
    </message>
    <message>
        <source>Callsign</source>
        <translation>Indicativo</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>Dependencia</translation>
    </message>
    <message>
        <source>Echelon</source>
        <translation>Escalón</translation>
    </message>
    <message>
        <source>Symbol code (SIDC)</source>
        <translation>Código de símbolo (SIDC)</translation>
    </message>
    <message>
        <source>Reports to</source>
        <translation>Depende de</translation>
    </message>
    <message>
        <source>Commander</source>
        <translation>Comandante</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>Efectivos</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>Accuracy (m)</source>
        <translation>Precisión (m)</translation>
    </message>
    <message>
        <source>Observed at</source>
        <translation>Observada el</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Fuente</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Reported by</source>
        <translation>Reportado por</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Nivel</translation>
    </message>
    <message>
        <source>Boundary</source>
        <translation>Límite</translation>
    </message>
    <message>
        <source>Kind of record</source>
        <translation>Tipo de registro</translation>
    </message>
    <message>
        <source>Corrects record</source>
        <translation>Registro que corrige</translation>
    </message>
    <message>
        <source>Reason for the correction</source>
        <translation>Motivo de la enmienda</translation>
    </message>
    <message>
        <source>Owning agency</source>
        <translation>Dependencia responsable</translation>
    </message>
    <message>
        <source>Detaining unit</source>
        <translation>Unidad que realizó la detención</translation>
    </message>
    <message>
        <source>Name of the detained person</source>
        <translation>Nombre de la persona detenida</translation>
    </message>
    <message>
        <source>Description of the person (if the name is unknown)</source>
        <translation>Media filiación (si se desconoce el nombre)</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Edad</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <source>Disability noted</source>
        <translation>Discapacidad observada</translation>
    </message>
    <message>
        <source>Visible injuries at the detention</source>
        <translation>Lesiones visibles al momento de la detención</translation>
    </message>
    <message>
        <source>Address or place</source>
        <translation>Domicilio o lugar</translation>
    </message>
    <message>
        <source>Detained at</source>
        <translation>Fecha y hora de la detención</translation>
    </message>
    <message>
        <source>Reason for the detention</source>
        <translation>Motivo de la detención</translation>
    </message>
    <message>
        <source>Legal ground</source>
        <translation>Fundamento legal</translation>
    </message>
    <message>
        <source>Officers who made the detention (names, ranks)</source>
        <translation>Elementos que realizaron la detención (nombres y grados)</translation>
    </message>
    <message>
        <source>Force was used</source>
        <translation>Se hizo uso de la fuerza</translation>
    </message>
    <message>
        <source>A relative or trusted person was told</source>
        <translation>Se avisó a un familiar o persona de confianza</translation>
    </message>
    <message>
        <source>Who was told</source>
        <translation>Persona a quien se avisó</translation>
    </message>
    <message>
        <source>Belongings taken</source>
        <translation>Pertenencias aseguradas</translation>
    </message>
    <message>
        <source>Handed over to</source>
        <translation>Puesto a disposición de</translation>
    </message>
    <message>
        <source>Handed over at</source>
        <translation>Fecha y hora de la puesta a disposición</translation>
    </message>
    <message>
        <source>Personal data withheld</source>
        <translation>Datos personales reservados</translation>
    </message>
    <message>
        <source>Officers involved</source>
        <translation>Elementos participantes</translation>
    </message>
    <message>
        <source>Level of force</source>
        <translation>Nivel de uso de la fuerza</translation>
    </message>
    <message>
        <source>Weapons or means used</source>
        <translation>Armas o medios utilizados</translation>
    </message>
    <message>
        <source>People affected</source>
        <translation>Personas afectadas</translation>
    </message>
    <message>
        <source>People injured</source>
        <translation>Personas lesionadas</translation>
    </message>
    <message>
        <source>Deaths</source>
        <translation>Personas fallecidas</translation>
    </message>
    <message>
        <source>Injuries</source>
        <translation>Lesiones</translation>
    </message>
    <message>
        <source>Medical aid given</source>
        <translation>Se brindó atención médica</translation>
    </message>
    <message>
        <source>Medical aid at</source>
        <translation>Hora de la atención médica</translation>
    </message>
    <message>
        <source>Medical aid given by</source>
        <translation>Atención médica brindada por</translation>
    </message>
    <message>
        <source>Circumstances</source>
        <translation>Circunstancias</translation>
    </message>
    <message>
        <source>Why force was necessary</source>
        <translation>Por qué fue necesario el uso de la fuerza</translation>
    </message>
    <message>
        <source>Detention</source>
        <translation>Detención</translation>
    </message>
</context>
<context>
    <name>problems</name>
    <message>
        <source>{field} is required.</source>
        <translation>El campo «{field}» es obligatorio.</translation>
    </message>
    <message>
        <source>{field} cannot be cleared.</source>
        <translation>El campo «{field}» no puede quedar vacío.</translation>
    </message>
    <message>
        <source>{field} must be text.</source>
        <translation>El campo «{field}» debe ser texto.</translation>
    </message>
    <message>
        <source>{field} is too long ({length} characters; at most {max}).</source>
        <translation>El campo «{field}» es demasiado largo ({length} caracteres; máximo {max}).</translation>
    </message>
    <message>
        <source>{field} must not start or end with spaces.</source>
        <translation>El campo «{field}» no debe empezar ni terminar con espacios.</translation>
    </message>
    <message>
        <source>{field} contains control characters.</source>
        <translation>El campo «{field}» contiene caracteres de control.</translation>
    </message>
    <message>
        <source>{field} contains hidden characters that change the text direction; type it again.</source>
        <translation>El campo «{field}» contiene caracteres ocultos que cambian la dirección del texto; escríbalo de nuevo.</translation>
    </message>
    <message>
        <source>{field} must be a whole number.</source>
        <translation>El campo «{field}» debe ser un número entero.</translation>
    </message>
    <message>
        <source>{field} must be a number.</source>
        <translation>El campo «{field}» debe ser un número.</translation>
    </message>
    <message>
        <source>{field} must be between {min} and {max} (got {value}).</source>
        <translation>El campo «{field}» debe estar entre {min} y {max} (se recibió {value}).</translation>
    </message>
    <message>
        <source>{field}: “{value}” is not one of the allowed values.</source>
        <translation>{field}: «{value}» no es uno de los valores permitidos.</translation>
    </message>
    <message>
        <source>{field}: “{value}” is not a record id.</source>
        <translation>{field}: «{value}» no es un identificador de registro.</translation>
    </message>
    <message>
        <source>{field}: “{value}” is not an agency code (lower-case letters, digits and “-”).</source>
        <translation>{field}: «{value}» no es un código de dependencia (minúsculas, dígitos y «-»).</translation>
    </message>
    <message>
        <source>{field} must be a list.</source>
        <translation>El campo «{field}» debe ser una lista.</translation>
    </message>
    <message>
        <source>{field} has too many items (at most {max}).</source>
        <translation>El campo «{field}» tiene demasiados elementos (máximo {max}).</translation>
    </message>
    <message>
        <source>{field} lists “{value}” twice.</source>
        <translation>El campo «{field}» incluye «{value}» dos veces.</translation>
    </message>
    <message>
        <source>{field} is not a date and time with a time zone (got “{value}”).</source>
        <translation>El campo «{field}» no es una fecha y hora con zona horaria (se recibió «{value}»).</translation>
    </message>
    <message>
        <source>{field} is in the future (more than {minutes} minutes ahead).</source>
        <translation>El campo «{field}» está en el futuro (más de {minutes} minutos de adelanto).</translation>
    </message>
    <message>
        <source>{field} is before {floor}.</source>
        <translation>El campo «{field}» es anterior a {floor}.</translation>
    </message>
    <message>
        <source>{field} must be 10 to 30 letters, digits, “-” or “*” (got “{value}”).</source>
        <translation>El campo «{field}» debe tener de 10 a 30 letras, dígitos, «-» o «*» (se recibió «{value}»).</translation>
    </message>
    <message>
        <source>{field} is not a clock value (got “{value}”).</source>
        <translation>El campo «{field}» no es un valor de reloj (se recibió «{value}»).</translation>
    </message>
    <message>
        <source>{field} must be true or false.</source>
        <translation>El campo «{field}» debe ser verdadero o falso.</translation>
    </message>
    <message>
        <source>{field} is not valid: {detail}</source>
        <translation>El campo «{field}» no es válido: {detail}</translation>
    </message>
    <message>
        <source>{entity} has no field “{name}”.</source>
        <translation>Los registros de tipo «{entity}» no tienen el campo «{name}».</translation>
    </message>
    <message>
        <source>{field} must be a polygon: a list of rings, each a list of [longitude, latitude] points.</source>
        <translation>{field} debe ser un polígono: una lista de anillos, cada uno una lista de puntos [longitud, latitud].</translation>
    </message>
    <message>
        <source>{field} must be one or more polygons: a list of polygons, each a list of rings of [longitude, latitude] points.</source>
        <translation>{field} debe ser uno o más polígonos: una lista de polígonos, cada uno una lista de anillos de puntos [longitud, latitud].</translation>
    </message>
    <message>
        <source>{field} has too many points (at most {max} in all).</source>
        <translation>{field} tiene demasiados puntos (como máximo {max} en total).</translation>
    </message>
    <message>
        <source>{field}: ring {ring} has fewer than 4 points (a closed ring needs 4).</source>
        <translation>{field}: el anillo {ring} tiene menos de 4 puntos (un anillo cerrado necesita 4).</translation>
    </message>
    <message>
        <source>{field}: ring {ring} does not end at its first point.</source>
        <translation>{field}: el anillo {ring} no termina en su primer punto.</translation>
    </message>
    <message>
        <source>{field} is not a valid polygon: its boundary crosses itself near latitude {lat}, longitude {lon}.</source>
        <translation>{field} no es un polígono válido: su contorno se cruza consigo mismo cerca de latitud {lat}, longitud {lon}.</translation>
    </message>
    <message>
        <source>{field} is not a valid polygon ({reason}).</source>
        <translation>{field} no es un polígono válido ({reason}).</translation>
    </message>
    <message>
        <source>Give both {field} and {other}, or neither.</source>
        <translation>Indique «{field}» y «{other}», o ninguno de los dos.</translation>
    </message>
    <message>
        <source>An amendment must name the entry it corrects.</source>
        <translation>Una enmienda debe indicar la anotación que corrige.</translation>
    </message>
    <message>
        <source>Only an amendment can correct another entry.</source>
        <translation>Solo una enmienda puede corregir otra anotación.</translation>
    </message>
    <message>
        <source>A jurisdiction zone is shared with all agencies or kept to its own; it belongs to no operation.</source>
        <translation>Una zona de jurisdicción se comparte con todas las dependencias o se reserva a la propia; no pertenece a ningún operativo.</translation>
    </message>
    <message>
        <source>Choose the unit to assign.</source>
        <translation>Elija la unidad por asignar.</translation>
    </message>
    <message>
        <source>Choose the new status.</source>
        <translation>Elija el nuevo estado.</translation>
    </message>
    <message>
        <source>Say why the record is voided.</source>
        <translation>Indique por qué se anula el registro.</translation>
    </message>
    <message>
        <source>A new {entity} needs: {fields}.</source>
        <translation>Un registro nuevo de tipo «{entity}» requiere: {fields}.</translation>
    </message>
    <message>
        <source>{field} is before {other}.</source>
        <translation>{field} es anterior a {other}.</translation>
    </message>
    <message>
        <source>Choose the operation whose agencies may see this record.</source>
        <translation>Elija el operativo cuyas dependencias pueden ver este registro.</translation>
    </message>
    <message>
        <source>Choose the {field} handed over.</source>
        <translation>Indique qué se entrega: {field}.</translation>
    </message>
    <message>
        <source>{field} does not fit a hand-over of this kind; leave it empty.</source>
        <translation>{field} no corresponde a una entrega de este tipo; déjelo vacío.</translation>
    </message>
    <message>
        <source>An acknowledgement must name the hand-over it acknowledges.</source>
        <translation>Un acuse de recibo debe indicar la entrega de mando que reconoce.</translation>
    </message>
    <message>
        <source>Only an acknowledgement names another hand-over.</source>
        <translation>Solo un acuse de recibo indica otra entrega de mando.</translation>
    </message>
    <message>
        <source>An acknowledgement carries no {field}: that is the hand-over&apos;s.</source>
        <translation>Un acuse de recibo no lleva {field}: eso corresponde a la entrega de mando.</translation>
    </message>
    <message>
        <source>An original record cannot point at another record; only an amendment or a hand-over does.</source>
        <translation>Un registro original no puede hacer referencia a otro registro; solo lo hacen una enmienda o una puesta a disposición.</translation>
    </message>
    <message>
        <source>An amendment or a hand-over must name the original record.</source>
        <translation>Una enmienda o una puesta a disposición debe indicar el registro original.</translation>
    </message>
    <message>
        <source>{field} does not belong in a record of this kind.</source>
        <translation>{field} no corresponde a un registro de este tipo.</translation>
    </message>
    <message>
        <source>Give the reason for the correction.</source>
        <translation>Indique el motivo de la enmienda.</translation>
    </message>
    <message>
        <source>An amendment must correct at least one field.</source>
        <translation>Una enmienda debe corregir al menos un campo.</translation>
    </message>
    <message>
        <source>Give the detained person&apos;s name or, if it is unknown, a description.</source>
        <translation>Anote el nombre de la persona detenida o, si se desconoce, su media filiación.</translation>
    </message>
    <message>
        <source>The hand-over cannot be before the detention.</source>
        <translation>La puesta a disposición no puede ser anterior a la detención.</translation>
    </message>
    <message>
        <source>{field} cannot be more than {other}.</source>
        <translation>{field} no puede ser mayor que {other}.</translation>
    </message>
    <message>
        <source>Medical aid is marked as not given, but when or by whom is filled in.</source>
        <translation>Se indicó que no se brindó atención médica, pero se anotó cuándo o quién la brindó.</translation>
    </message>
    <message>
        <source>Medical aid cannot be before the use of force.</source>
        <translation>La atención médica no puede ser anterior al uso de la fuerza.</translation>
    </message>
    <message>
        <source>The person was already handed over; correct the hand-over with an amendment.</source>
        <translation>La persona ya fue puesta a disposición; corrija la puesta a disposición con una enmienda.</translation>
    </message>
    <message>
        <source>Force was used: write the use-of-force report before the hand-over.</source>
        <translation>Se hizo uso de la fuerza: elabore el informe de uso de la fuerza antes de la puesta a disposición.</translation>
    </message>
    <message>
        <source>A {entity} cannot be changed or deleted once written; add an amendment with the reason.</source>
        <translation>Un {entity} no se puede modificar ni borrar una vez escrito; agregue una enmienda con el motivo.</translation>
    </message>
    <message>
        <source>Only the author of the record or a commander may amend this {entity}.</source>
        <translation>Solo quien elaboró el registro o un mando puede enmendar este {entity}.</translation>
    </message>
    <message>
        <source>{field} belongs to another agency.</source>
        <translation>{field} pertenece a otra dependencia.</translation>
    </message>
    <message>
        <source>The change is malformed: {detail}</source>
        <translation>El cambio está mal formado: {detail}</translation>
    </message>
    <message>
        <source>Unknown kind of record “{name}” (one side runs an older version).</source>
        <translation>Tipo de registro desconocido «{name}» (uno de los dos lados usa una versión anterior).</translation>
    </message>
    <message>
        <source>{entity} records are changed with “{op}”.</source>
        <translation>Los registros de tipo «{entity}» se modifican con «{op}».</translation>
    </message>
    <message>
        <source>Too many fields in one change (at most {max}).</source>
        <translation>Demasiados campos en un solo cambio (máximo {max}).</translation>
    </message>
    <message>
        <source>The change names a base for “{name}”, which it does not set.</source>
        <translation>El cambio indica una base para «{name}», pero no lo modifica.</translation>
    </message>
    <message>
        <source>This device&apos;s clock is more than {hours} hours ahead of the server; correct the clock.</source>
        <translation>El reloj de este equipo está más de {hours} horas adelantado respecto al servidor; corrija la hora.</translation>
    </message>
    <message>
        <source>This change id was already used for a different change; the original stands.</source>
        <translation>Este identificador de cambio ya se usó para otro cambio; se conserva el original.</translation>
    </message>
    <message>
        <source>This id is already used by another record.</source>
        <translation>Este identificador ya lo usa otro registro.</translation>
    </message>
    <message>
        <source>Observers have read-only access.</source>
        <translation>Los observadores solo tienen acceso de lectura.</translation>
    </message>
    <message>
        <source>Administrators manage accounts and agencies only.</source>
        <translation>Los administradores solo gestionan cuentas y dependencias.</translation>
    </message>
    <message>
        <source>Your role ({role}) may not create a {entity}.</source>
        <translation>Su rol ({role}) no permite crear registros de tipo «{entity}».</translation>
    </message>
    <message>
        <source>Your role ({role}) may not edit a {entity}.</source>
        <translation>Su rol ({role}) no permite modificar registros de tipo «{entity}».</translation>
    </message>
    <message>
        <source>You may only create records of your own agency ({agency}).</source>
        <translation>Solo puede crear registros de su propia dependencia ({agency}).</translation>
    </message>
    <message>
        <source>Only a commander of {agency} may edit this {entity}.</source>
        <translation>Solo un comandante de {agency} puede modificar este registro de tipo «{entity}».</translation>
    </message>
    <message>
        <source>A record cannot be moved to another agency.</source>
        <translation>Un registro no puede pasarse a otra dependencia.</translation>
    </message>
    <message>
        <source>Unknown {entity} (or not visible to you).</source>
        <translation>Registro de tipo «{entity}» desconocido (o no visible para usted).</translation>
    </message>
    <message>
        <source>An amendment must point at an existing entry of the same record.</source>
        <translation>Una enmienda debe referirse a una anotación existente del mismo registro.</translation>
    </message>
    <message>
        <source>Only a conflict&apos;s status and resolution may be changed.</source>
        <translation>De un conflicto solo se pueden cambiar el estado y la resolución.</translation>
    </message>
    <message>
        <source>{field}: “{value}” is not an agency of this deployment.</source>
        <translation>{field}: «{value}» no es una dependencia de este despliegue.</translation>
    </message>
    <message>
        <source>{field}: {agency} does not take part in this operation.</source>
        <translation>{field}: {agency} no participa en este operativo.</translation>
    </message>
    <message>
        <source>Only a commander of the lead agency ({lead}) or of the unit&apos;s own agency ({agency}) may assign this unit.</source>
        <translation>Solo un comandante de la dependencia coordinadora ({lead}) o de la dependencia de la unidad ({agency}) puede asignar esta unidad.</translation>
    </message>
    <message>
        <source>{field} cannot be changed once set; make a new {entity} instead.</source>
        <translation>{field} no se puede cambiar una vez fijado; cree un registro nuevo ({entity}).</translation>
    </message>
    <message>
        <source>Only the agency handing over ({agency}) records a hand-over.</source>
        <translation>Solo la dependencia que entrega ({agency}) registra una entrega de mando.</translation>
    </message>
    <message>
        <source>Only {agency}, which receives this hand-over, may acknowledge it.</source>
        <translation>Solo {agency}, que recibe esta entrega de mando, puede acusar recibo.</translation>
    </message>
    <message>
        <source>An acknowledgement must answer a hand-over of the same operation.</source>
        <translation>Un acuse de recibo debe responder a una entrega de mando del mismo operativo.</translation>
    </message>
</context>
<context>
    <name>vocab</name>
    <message>
        <source>Military</source>
        <translation>Militar</translation>
    </message>
    <message>
        <source>Federal</source>
        <translation>Federal</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estatal</translation>
    </message>
    <message>
        <source>Municipal</source>
        <translation>Municipal</translation>
    </message>
    <message>
        <source>Civil</source>
        <translation>Civil</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrador</translation>
    </message>
    <message>
        <source>Commander</source>
        <translation>Comandante</translation>
    </message>
    <message>
        <source>Liaison officer</source>
        <translation>Oficial de enlace</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>Observador</translation>
    </message>
    <message>
        <source>Infantry</source>
        <translation>Infantería</translation>
    </message>
    <message>
        <source>Motorized</source>
        <translation>Motorizada</translation>
    </message>
    <message>
        <source>Armor</source>
        <translation>Blindada</translation>
    </message>
    <message>
        <source>Aviation</source>
        <translation>Aviación</translation>
    </message>
    <message>
        <source>Naval</source>
        <translation>Naval</translation>
    </message>
    <message>
        <source>Marines</source>
        <translation>Infantería de Marina</translation>
    </message>
    <message>
        <source>Military police</source>
        <translation>Policía Militar</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>Policía</translation>
    </message>
    <message>
        <source>Special forces</source>
        <translation>Fuerzas especiales</translation>
    </message>
    <message>
        <source>Investigation</source>
        <translation>Investigación</translation>
    </message>
    <message>
        <source>Medical</source>
        <translation>Sanidad</translation>
    </message>
    <message>
        <source>Engineers</source>
        <translation>Ingenieros</translation>
    </message>
    <message>
        <source>Logistics</source>
        <translation>Logística</translation>
    </message>
    <message>
        <source>Signals</source>
        <translation>Transmisiones</translation>
    </message>
    <message>
        <source>Command post</source>
        <translation>Puesto de mando</translation>
    </message>
    <message>
        <source>Civil protection</source>
        <translation>Protección civil</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Otro</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Disponible</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Asignada</translation>
    </message>
    <message>
        <source>Engaged</source>
        <translation>En operación</translation>
    </message>
    <message>
        <source>Returning</source>
        <translation>De regreso</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Fuera de servicio</translation>
    </message>
    <message>
        <source>Retired</source>
        <translation>Dada de baja</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Equipo</translation>
    </message>
    <message>
        <source>Squad</source>
        <translation>Escuadra</translation>
    </message>
    <message>
        <source>Section</source>
        <translation>Sección</translation>
    </message>
    <message>
        <source>Platoon</source>
        <translation>Pelotón</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Compañía</translation>
    </message>
    <message>
        <source>Battalion</source>
        <translation>Batallón</translation>
    </message>
    <message>
        <source>Regiment</source>
        <translation>Regimiento</translation>
    </message>
    <message>
        <source>Brigade</source>
        <translation>Brigada</translation>
    </message>
    <message>
        <source>Division</source>
        <translation>División</translation>
    </message>
    <message>
        <source>Corps</source>
        <translation>Cuerpo de ejército</translation>
    </message>
    <message>
        <source>No echelon</source>
        <translation>Sin escalón</translation>
    </message>
    <message>
        <source>Shared with all agencies</source>
        <translation>Compartida con todas las dependencias</translation>
    </message>
    <message>
        <source>Own agency only</source>
        <translation>Solo la propia dependencia</translation>
    </message>
    <message>
        <source>Agencies in the operation</source>
        <translation>Dependencias del operativo</translation>
    </message>
    <message>
        <source>GPS</source>
        <translation>GPS</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>Radio</source>
        <translation>Radio</translation>
    </message>
    <message>
        <source>Relay</source>
        <translation>Retransmisión</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>Importada</translation>
    </message>
    <message>
        <source>Armed attack</source>
        <translation>Agresión armada</translation>
    </message>
    <message>
        <source>Blockade</source>
        <translation>Bloqueo</translation>
    </message>
    <message>
        <source>Kidnapping</source>
        <translation>Secuestro</translation>
    </message>
    <message>
        <source>Homicide</source>
        <translation>Homicidio</translation>
    </message>
    <message>
        <source>Robbery</source>
        <translation>Robo</translation>
    </message>
    <message>
        <source>Extortion</source>
        <translation>Extorsión</translation>
    </message>
    <message>
        <source>Drug seizure</source>
        <translation>Aseguramiento de droga</translation>
    </message>
    <message>
        <source>Arms seizure</source>
        <translation>Aseguramiento de armas</translation>
    </message>
    <message>
        <source>Detention</source>
        <translation>Detención</translation>
    </message>
    <message>
        <source>Disturbance</source>
        <translation>Disturbio</translation>
    </message>
    <message>
        <source>Accident</source>
        <translation>Accidente</translation>
    </message>
    <message>
        <source>Natural disaster</source>
        <translation>Desastre natural</translation>
    </message>
    <message>
        <source>Fire</source>
        <translation>Incendio</translation>
    </message>
    <message>
        <source>Missing person</source>
        <translation>Persona desaparecida</translation>
    </message>
    <message>
        <source>Patrol report</source>
        <translation>Parte de patrullaje</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abierto</translation>
    </message>
    <message>
        <source>Responding</source>
        <translation>En atención</translation>
    </message>
    <message>
        <source>Contained</source>
        <translation>Controlado</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerrado</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>Anulado</translation>
    </message>
    <message>
        <source>1 - Minor</source>
        <translation>1 - Menor</translation>
    </message>
    <message>
        <source>2 - Moderate</source>
        <translation>2 - Moderada</translation>
    </message>
    <message>
        <source>3 - Serious</source>
        <translation>3 - Grave</translation>
    </message>
    <message>
        <source>4 - Severe</source>
        <translation>4 - Muy grave</translation>
    </message>
    <message>
        <source>5 - Critical</source>
        <translation>5 - Crítica</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Status change</source>
        <translation>Cambio de estado</translation>
    </message>
    <message>
        <source>Unit assignment</source>
        <translation>Asignación de unidad</translation>
    </message>
    <message>
        <source>Amendment</source>
        <translation>Enmienda</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Resuelto</translation>
    </message>
    <message>
        <source>Kept the value that stands</source>
        <translation>Se conservó el valor vigente</translation>
    </message>
    <message>
        <source>Re-applied the overwritten value</source>
        <translation>Se volvió a aplicar el valor sobrescrito</translation>
    </message>
    <message>
        <source>Coordination agreement</source>
        <translation>Convenio de coordinación</translation>
    </message>
    <message>
        <source>Request for support</source>
        <translation>Solicitud de apoyo</translation>
    </message>
    <message>
        <source>Emergency declaration</source>
        <translation>Declaratoria de emergencia</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>Planeado</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendido</translation>
    </message>
    <message>
        <source>Cordon</source>
        <translation>Cerco</translation>
    </message>
    <message>
        <source>Patrol</source>
        <translation>Patrullaje</translation>
    </message>
    <message>
        <source>Escort</source>
        <translation>Escolta</translation>
    </message>
    <message>
        <source>Reserve</source>
        <translation>Reserva</translation>
    </message>
    <message>
        <source>Hand-over</source>
        <translation>Puesta a disposición</translation>
    </message>
    <message>
        <source>Detention record</source>
        <translation>Registro de detención</translation>
    </message>
    <message>
        <source>Use-of-force report</source>
        <translation>Informe de uso de la fuerza</translation>
    </message>
    <message>
        <source>Arrest warrant</source>
        <translation>Orden de aprehensión</translation>
    </message>
    <message>
        <source>Caught in the act (flagrancy)</source>
        <translation>Flagrancia</translation>
    </message>
    <message>
        <source>Urgent case</source>
        <translation>Caso urgente</translation>
    </message>
    <message>
        <source>Administrative arrest</source>
        <translation>Arresto administrativo</translation>
    </message>
    <message>
        <source>Federal public prosecutor</source>
        <translation>Ministerio Público de la Federación</translation>
    </message>
    <message>
        <source>State public prosecutor</source>
        <translation>Ministerio Público del fuero común</translation>
    </message>
    <message>
        <source>Civic judge</source>
        <translation>Juez cívico</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Mujer</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Hombre</translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>No registrado</translation>
    </message>
    <message>
        <source>1 - Presence of authority</source>
        <translation>1 - Presencia de autoridad</translation>
    </message>
    <message>
        <source>2 - Verbal persuasion or deterrence</source>
        <translation>2 - Persuasión o disuasión verbal</translation>
    </message>
    <message>
        <source>3 - Physical reduction of movement</source>
        <translation>3 - Reducción física de movimientos</translation>
    </message>
    <message>
        <source>4 - Less-lethal incapacitating weapons</source>
        <translation>4 - Armas incapacitantes menos letales</translation>
    </message>
    <message>
        <source>5 - Firearms or lethal force</source>
        <translation>5 - Armas de fuego o fuerza letal</translation>
    </message>
    <message>
        <source>Military region</source>
        <translation>Región militar</translation>
    </message>
    <message>
        <source>Military zone</source>
        <translation>Zona militar</translation>
    </message>
    <message>
        <source>Acknowledgement</source>
        <translation>Acuse de recibo</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>Scene</source>
        <translation>Escena</translation>
    </message>
</context>
</TS>
