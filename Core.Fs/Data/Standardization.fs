namespace Seagull

module internal Placeholder_Data_Standardization =
    let internal pending = ()
