namespace Seagull

module internal Placeholder_Data_Targets =
    let internal pending = ()
