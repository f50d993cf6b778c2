namespace Seagull

module internal Placeholder_Data_Csv =
    let internal pending = ()
